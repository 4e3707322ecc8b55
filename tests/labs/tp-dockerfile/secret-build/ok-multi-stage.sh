# Installed in a first stage with the secret, only the result copied into the final image.
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim AS installation
COPY installer.sh /usr/local/bin/installer.sh
RUN --mount=type=secret,id=jeton installer.sh

FROM debian:bookworm-slim
COPY --from=installation /opt/appli /opt/appli
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build --secret id=jeton,src=jeton.txt -t mon-appli:secret .
