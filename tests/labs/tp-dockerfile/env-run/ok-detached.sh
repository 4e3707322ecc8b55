# Detached, short option: the reference way.
docker rm -f app-3 >/dev/null 2>&1 || true
# mon-app:2.0 as the step arg-env leaves it (a variant before may have rebuilt it).
if [ "$(docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' mon-app:2.0 2>/dev/null | grep "^APP_VERSION=")" != APP_VERSION=2.0 ]; then
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
  docker build -q --build-arg APP_VERSION=2.0 -t mon-app:2.0 "$ctx"
fi
docker run -d --name app-3 -e APP_VERSION=3.0 mon-app:2.0
