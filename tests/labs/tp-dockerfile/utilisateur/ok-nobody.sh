# Debian's nobody user, which already exists; app copied with ownership.
docker image rm -f mon-app:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/app/app.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:12
COPY --chown=nobody:nogroup app.sh /usr/local/bin/app.sh
USER nobody
CMD ["/usr/local/bin/app.sh"]
DOCKERFILE
docker build -t mon-app:1.0 .
