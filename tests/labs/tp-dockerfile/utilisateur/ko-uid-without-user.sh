# expect: aucun utilisateur
# USER names a bare uid that no user of the image has.
docker image rm -f mon-app:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/app/app.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY app.sh /usr/local/bin/app.sh
USER 1000
CMD ["/usr/local/bin/app.sh"]
DOCKERFILE
docker build -t mon-app:1.0 .
