# A non-root user, ENTRYPOINT; infos left (no --no-install-recommends, consecutive RUNs).
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:12
LABEL maintainer="robert@produpot.com" version="1.0"
RUN apt-get update && apt-get install -y apache2 && rm -rf /var/lib/apt/lists/*
RUN useradd --system site
COPY --chown=site site/ /var/www/html/
WORKDIR /var/www/html
USER site
ENTRYPOINT ["apachectl", "-D", "FOREGROUND"]
DOCKERFILE
