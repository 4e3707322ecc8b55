# expect: SEC001
# The password kept, base image on latest.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:latest
ENV DB_PASSWORD=SuperSecret123
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
COPY site/ /var/www/html/
CMD ["apachectl", "-D", "FOREGROUND"]
DOCKERFILE
