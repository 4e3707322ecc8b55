# A complete Dockerfile rather than FROM mon-apache:1.1, curl installed in a RUN of its own.
# (The Apache RUN line is the reference one: its layer comes from the cache.)
docker image rm -f mon-apache:sante >/dev/null 2>&1 || true
docker rm -f web-sante >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/index.html /root/tp-dockerfile/start.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY index.html /var/www/html/index.html
COPY start.sh /start.sh
EXPOSE 80
HEALTHCHECK --interval=5s --timeout=2s --start-period=1s --retries=2 \
    CMD curl -f http://localhost/ || exit 1
ENTRYPOINT ["/start.sh"]
DOCKERFILE
docker build -t mon-apache:sante .
docker run -d --name web-sante mon-apache:sante
