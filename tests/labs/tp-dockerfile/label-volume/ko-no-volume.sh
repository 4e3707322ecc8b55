# expect: ne déclare pas de volume /donnees
# No VOLUME in the image: the named volume works, but the image does not declare it.
docker image rm -f mon-journal:1.0 >/dev/null 2>&1 || true
docker volume rm -f journal >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="Mon journal" org.opencontainers.image.version="1.0"
CMD ["sh", "-c", "echo \"$(date) : conteneur $(hostname)\" >> /donnees/journal.txt && cat /donnees/journal.txt"]
DOCKERFILE
docker build -t mon-journal:1.0 .
docker run --rm -v journal:/donnees mon-journal:1.0
docker run --rm -v journal:/donnees mon-journal:1.0
