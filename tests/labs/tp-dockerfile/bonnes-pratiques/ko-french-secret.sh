# expect: MOT_DE_PASSE contient un secret
# Clean, but the password came back under a French name.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
LABEL maintainer="robert@produpot.com"
ENV DEBIAN_FRONTEND=noninteractive
ENV MOT_DE_PASSE=SuperSecret123
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
COPY site/ /var/www/html/
WORKDIR /var/www/html
RUN chmod -R a+rX .
CMD ["apachectl", "-D", "FOREGROUND"]
DOCKERFILE
