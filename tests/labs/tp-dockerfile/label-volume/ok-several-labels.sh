# One LABEL a line, version unquoted, VOLUME in JSON form, a shell-form CMD, three runs.
docker image rm -f mon-journal:1.0 >/dev/null 2>&1 || true
docker volume rm -f journal >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
LABEL org.opencontainers.image.title=journal
LABEL org.opencontainers.image.version=1.0
LABEL org.opencontainers.image.authors="robert@produpot.com"
VOLUME ["/donnees"]
CMD date >> /donnees/journal.txt; cat /donnees/journal.txt
DOCKERFILE
docker build -t mon-journal:1.0 .
for _ in 1 2 3; do docker run --rm -v journal:/donnees mon-journal:1.0; done
