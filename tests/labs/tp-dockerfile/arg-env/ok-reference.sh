# The reference solution.
# Written where the step asks: /root/tp-dockerfile/app/Dockerfile.
docker image rm -f mon-app:2.0 >/dev/null 2>&1 || true
cd /root/tp-dockerfile/app
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
ARG APP_VERSION=1.0
ENV APP_VERSION=$APP_VERSION
RUN useradd --create-home --shell /bin/bash appli
COPY app.sh /usr/local/bin/app.sh
USER appli
CMD ["/usr/local/bin/app.sh"]
DOCKERFILE
docker build --build-arg APP_VERSION=2.0 -t mon-app:2.0 .
