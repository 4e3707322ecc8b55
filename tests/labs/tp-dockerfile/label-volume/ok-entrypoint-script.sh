# The journal written by a script run as ENTRYPOINT, a WORKDIR in the volume, labels quoted
# with single quotes.
docker image rm -f mon-journal:1.0 >/dev/null 2>&1 || true
docker volume rm -f journal >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > ecrire.sh <<'SCRIPT'
#!/bin/sh
echo "$(date) : conteneur $(hostname)" >> journal.txt
cat journal.txt
SCRIPT
chmod 755 ecrire.sh
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
LABEL 'org.opencontainers.image.title'='Mon journal' 'org.opencontainers.image.version'='1.0'
COPY ecrire.sh /usr/local/bin/ecrire.sh
VOLUME /donnees
WORKDIR /donnees
ENTRYPOINT ["/usr/local/bin/ecrire.sh"]
DOCKERFILE
docker build -t mon-journal:1.0 .
docker run --rm -v journal:/donnees mon-journal:1.0
docker run --rm -v journal:/donnees mon-journal:1.0
