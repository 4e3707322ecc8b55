# expect: mon-app:1.0 est introuvable
# Built as mon-app:latest.
docker image rm -f mon-app:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/app/app.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN useradd --create-home appli
COPY app.sh /usr/local/bin/app.sh
USER appli
CMD ["/usr/local/bin/app.sh"]
DOCKERFILE
docker build -t mon-app .
