# The secret comes from a variable of the shell that runs docker build (--secret id=…,env=…),
# and the RUN puts it in the installer's JETON variable, for this command only.
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY installer.sh /usr/local/bin/installer.sh
RUN --mount=type=secret,id=jeton JETON="$(cat /run/secrets/jeton)" installer.sh
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
JETON_PRODUPOT=$(cat jeton.txt)
export JETON_PRODUPOT
docker build --secret id=jeton,env=JETON_PRODUPOT -t mon-appli:secret .
