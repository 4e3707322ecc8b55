# Another secret id, read by the installer from /run/secrets/<id>; an absolute src, source=.
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY installer.sh /usr/local/bin/installer.sh
RUN --mount=type=secret,id=depot-produpot installer.sh /run/secrets/depot-produpot
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build --secret id=depot-produpot,source=/root/tp-dockerfile/secret/jeton.txt -t mon-appli:secret .
