# The TP's faulty Dockerfile as it is: the token goes through ARG JETON and --build-arg.
# expect: dans l'historique
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
ARG JETON
COPY installer.sh /usr/local/bin/installer.sh
RUN installer.sh
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build --build-arg JETON="$(cat jeton.txt)" -t mon-appli:secret .
