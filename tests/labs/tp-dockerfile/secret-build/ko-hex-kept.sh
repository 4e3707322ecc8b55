# The secret is mounted, but the RUN keeps it in the image, encoded (hex), "for later".
# expect: écrit dans un fichier
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY installer.sh /usr/local/bin/installer.sh
RUN --mount=type=secret,id=jeton installer.sh \
    && od -An -v -tx1 /run/secrets/jeton | tr -d ' \n' > /opt/appli/.depot
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build --secret id=jeton,src=jeton.txt -t mon-appli:secret .
