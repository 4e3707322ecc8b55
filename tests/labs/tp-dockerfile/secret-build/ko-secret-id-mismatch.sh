# The RUN mounts the secret jeton, the build gives a secret named token: the installer finds no
# token and the build fails, so there is no image.
# expect: introuvable
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY installer.sh /usr/local/bin/installer.sh
RUN --mount=type=secret,id=jeton installer.sh
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build --secret id=token,src=jeton.txt -t mon-appli:secret . || echo "la construction a échoué"
