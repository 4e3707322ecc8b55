# The legacy "ENV NAME value" syntax, other variables around, --build-arg=... form.
# Written where the step asks: /root/tp-dockerfile/app/Dockerfile.
docker image rm -f mon-app:2.0 >/dev/null 2>&1 || true
cd /root/tp-dockerfile/app
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
ARG BUILD_DATE=inconnue
ARG APP_VERSION=0.9
ENV APP_VERSION $APP_VERSION
ENV APP_NAME=demo
LABEL org.opencontainers.image.created=$BUILD_DATE
RUN useradd --create-home --shell /bin/bash appli
COPY app.sh /usr/local/bin/app.sh
USER appli
CMD ["/usr/local/bin/app.sh"]
DOCKERFILE
docker build --build-arg=APP_VERSION=2.0 --build-arg BUILD_DATE=2024-01-01 --tag mon-app:2.0 .
