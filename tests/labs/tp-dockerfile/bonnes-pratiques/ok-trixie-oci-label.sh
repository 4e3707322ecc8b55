# debian:trixie-slim, the OCI authors label instead of maintainer, EXPOSE, and apache2ctl (the
# other name of apachectl) in exec form: Apache starts as root and serves as www-data itself.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:trixie-slim
LABEL org.opencontainers.image.authors="robert@produpot.com"
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
COPY site/ /var/www/html/
WORKDIR /var/www/html
EXPOSE 80
CMD ["apache2ctl", "-D", "FOREGROUND"]
DOCKERFILE
