# expect: docker run --label ne marque que le conteneur
# The labels given to the containers with docker run --label, none in the image.
docker image rm -f mon-journal:1.0 >/dev/null 2>&1 || true
docker volume rm -f journal >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
VOLUME /donnees
CMD ["sh", "-c", "echo \"$(date) : conteneur $(hostname)\" >> /donnees/journal.txt && cat /donnees/journal.txt"]
DOCKERFILE
docker build -t mon-journal:1.0 .
for _ in 1 2; do
  docker run --rm --label org.opencontainers.image.title="Mon journal" \
    --label org.opencontainers.image.version=1.0 -v journal:/donnees mon-journal:1.0
done
