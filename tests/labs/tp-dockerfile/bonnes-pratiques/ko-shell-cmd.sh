# expect: DL3025
# CMD left in shell form.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
COPY site/ /var/www/html/
CMD apachectl -D FOREGROUND
DOCKERFILE
