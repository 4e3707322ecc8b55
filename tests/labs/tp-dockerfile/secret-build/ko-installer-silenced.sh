# No token at all, and the installer's failure is ignored: the image builds, nothing installed.
# expect: ne contient pas /opt/appli/installe.txt
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY installer.sh /usr/local/bin/installer.sh
RUN installer.sh || echo "installation impossible"
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build -t mon-appli:secret .
