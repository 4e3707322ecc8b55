# debian:12 tag, a non-executable start.sh made executable by a later RUN, ADD for the page.
# (The RUN line is the reference one: its layer comes from the cache, which spares disk space.)
docker image rm -f mon-apache:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/index.html /root/tp-dockerfile/start.sh "$ctx"/
cd "$ctx"
chmod 644 start.sh
cat > Dockerfile <<'DOCKERFILE'
FROM debian:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
ADD index.html /var/www/html/index.html
COPY start.sh /start.sh
RUN chmod 755 /start.sh
EXPOSE 80 443
ENTRYPOINT [ "/start.sh" ]
DOCKERFILE
docker build -t mon-apache:1.0 .
