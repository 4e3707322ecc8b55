# The secret mounted at a path of one's choice (target=), a bind mount of the installer instead
# of a COPY, another Dockerfile name, trixie-slim.
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile.secret <<'DOCKERFILE'
FROM debian:trixie-slim
RUN --mount=type=secret,id=jeton,target=/root/jeton.txt \
    --mount=type=bind,source=installer.sh,target=/tmp/installer.sh \
    sh /tmp/installer.sh /root/jeton.txt
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build --secret=id=jeton,src=jeton.txt -f Dockerfile.secret -t mon-appli:secret .
