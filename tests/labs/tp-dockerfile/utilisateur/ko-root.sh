# expect: c'est root
# USER root declared explicitly.
docker image rm -f mon-app:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/app/app.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN useradd --create-home appli
COPY app.sh /usr/local/bin/app.sh
USER appli
USER root
CMD ["/usr/local/bin/app.sh"]
DOCKERFILE
docker build -t mon-app:1.0 .
