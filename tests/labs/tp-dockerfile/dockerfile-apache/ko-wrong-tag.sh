# expect: mon-apache:1.0 est introuvable
# A correct Dockerfile built under the wrong tag (mon-apache:latest).
docker image rm -f mon-apache:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/index.html /root/tp-dockerfile/start.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
COPY index.html /var/www/html/index.html
COPY start.sh /start.sh
EXPOSE 80
ENTRYPOINT ["/start.sh"]
DOCKERFILE
docker build -t mon-apache .
