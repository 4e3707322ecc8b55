# debian:trixie-slim base, apt-get with the lists removed in the same RUN, COPY --chmod, and the
# script started by bash in exec form: ENTRYPOINT ["/bin/bash", "/start.sh"].
docker image rm -f mon-apache:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/index.html /root/tp-dockerfile/start.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:trixie-slim
RUN apt-get update && apt-get install -y --no-install-recommends apache2 && rm -rf /var/lib/apt/lists/*
COPY index.html /var/www/html/
COPY --chmod=755 start.sh /start.sh
EXPOSE 80
ENTRYPOINT ["/bin/bash", "/start.sh"]
DOCKERFILE
docker build -t mon-apache:1.0 .
