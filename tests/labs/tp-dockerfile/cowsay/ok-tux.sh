# Another cow (the penguin of -f tux): still cowsay speaking, bubble and all.
docker image rm -f cowsay >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends cowsay \
    && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/games/cowsay", "-f", "tux"]
CMD ["hello"]
DOCKERFILE
docker build -t cowsay .
