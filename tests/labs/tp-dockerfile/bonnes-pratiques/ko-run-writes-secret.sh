# expect: écrit un secret
# Clean, but a password is kept in the image another way.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
LABEL maintainer="robert@produpot.com"
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
RUN echo "DB_PASSWORD=SuperSecret123" > /etc/apache2/conf-available/base.env
COPY site/ /var/www/html/
CMD ["apachectl", "-D", "FOREGROUND"]
DOCKERFILE
