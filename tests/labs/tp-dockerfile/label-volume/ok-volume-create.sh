# debian:bookworm, VOLUME with a trailing slash, the volume created first and mounted with
# --mount, containers kept (no --rm) then removed.
docker image rm -f mon-journal:1.0 >/dev/null 2>&1 || true
docker volume rm -f journal >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
LABEL org.opencontainers.image.version="1.0" org.opencontainers.image.title="Journal de bord"
VOLUME /donnees/
CMD ["sh", "-c", "echo \"$(date) : conteneur $(hostname)\" >> /donnees/journal.txt && cat /donnees/journal.txt"]
DOCKERFILE
docker build -t mon-journal:1.0 .
docker volume create journal
docker run --name journal-1 --mount source=journal,target=/donnees mon-journal:1.0
docker run --name journal-2 --mount source=journal,target=/donnees mon-journal:1.0
docker rm journal-1 journal-2
