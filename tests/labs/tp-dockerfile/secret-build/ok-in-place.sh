# The TP's Dockerfile rewritten in place, with required=true, built from the TP's folder.
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
cd /root/tp-dockerfile/secret
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY installer.sh /usr/local/bin/installer.sh
RUN --mount=type=secret,id=jeton,required=true installer.sh
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build --secret id=jeton,src=jeton.txt -t mon-appli:secret .
