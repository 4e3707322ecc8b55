# debian:trixie-slim, a default of 1.5, and the ARG copied in an ENV line that sets two variables.
docker image rm -f mon-app:2.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/app/app.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:trixie-slim
ARG APP_VERSION=1.5
ENV APP_NAME=mon-app APP_VERSION=${APP_VERSION}
COPY app.sh /usr/local/bin/app.sh
CMD ["/usr/local/bin/app.sh"]
DOCKERFILE
docker build --build-arg APP_VERSION=2.0 -t mon-app:2.0 .
