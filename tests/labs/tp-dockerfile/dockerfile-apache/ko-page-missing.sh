# expect: page du TP
# The page is copied to the wrong place.
docker image rm -f mon-apache:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/index.html /root/tp-dockerfile/start.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
COPY index.html /index.html
COPY start.sh /start.sh
EXPOSE 80
ENTRYPOINT ["/start.sh"]
DOCKERFILE
docker build -t mon-apache:1.0 .
