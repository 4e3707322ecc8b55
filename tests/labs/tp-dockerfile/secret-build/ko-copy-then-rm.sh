# The token file is copied, used, then deleted by the RUN: it stays in the COPY's layer.
# expect: contient un fichier jeton.txt
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY installer.sh /usr/local/bin/installer.sh
COPY jeton.txt /tmp/jeton.txt
RUN installer.sh /tmp/jeton.txt && rm /tmp/jeton.txt
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build -t mon-appli:secret .
