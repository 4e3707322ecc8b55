# The image is rebuilt with --build-arg APP_VERSION=3.0 under the same tag, then run.
# expect: a été reconstruite
docker rm -f app-3 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/app/app.sh "$ctx"/
cat > "$ctx"/Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
ARG APP_VERSION=1.0
ENV APP_VERSION=$APP_VERSION
RUN useradd --create-home --shell /bin/bash appli
COPY app.sh /usr/local/bin/app.sh
USER appli
CMD ["/usr/local/bin/app.sh"]
DOCKERFILE
docker build --build-arg APP_VERSION=3.0 -t mon-app:2.0 "$ctx"
docker run --name app-3 mon-app:2.0
