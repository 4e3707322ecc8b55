# Only info-level advice left (no --no-install-recommends, a version label): passes, and the
# image still serves the site.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:12
LABEL maintainer="robert@produpot.com" version="1.0"
RUN apt-get update && apt-get install -y apache2 && rm -rf /var/lib/apt/lists/*
COPY site/ /var/www/html/
WORKDIR /var/www/html
ENTRYPOINT ["apachectl", "-D", "FOREGROUND"]
DOCKERFILE
