# expect: ne se construit plus
# Clean for the linter, but a package that does not exist: the image cannot be built.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
LABEL maintainer="robert@produpot.com"
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache3 \
    && rm -rf /var/lib/apt/lists/*
COPY site/ /var/www/html/
WORKDIR /var/www/html
RUN chmod -R a+rX .
CMD ["apachectl", "-D", "FOREGROUND"]
DOCKERFILE
