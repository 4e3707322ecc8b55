# expect: hello doit venir de CMD
# hello is part of the ENTRYPOINT: it is always said.
docker image rm -f cowsay >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends cowsay \
    && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/games/cowsay", "hello"]
DOCKERFILE
docker build -t cowsay .
