# expect: d'une autre image
# The right image, but the journal's two lines written by Debian containers.
docker image rm -f mon-journal:1.0 >/dev/null 2>&1 || true
docker volume rm -f journal >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="Mon journal" org.opencontainers.image.version="1.0"
VOLUME /donnees
CMD ["sh", "-c", "echo \"$(date) : conteneur $(hostname)\" >> /donnees/journal.txt && cat /donnees/journal.txt"]
DOCKERFILE
docker build -t mon-journal:1.0 .
docker run --rm -v journal:/donnees debian:bookworm-slim sh -c 'echo "un" >> /donnees/journal.txt'
docker run --rm -v journal:/donnees debian:bookworm-slim sh -c 'echo "deux" >> /donnees/journal.txt'
