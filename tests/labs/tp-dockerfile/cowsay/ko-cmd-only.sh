# expect: pas d'ENTRYPOINT
# Everything in CMD: docker run arguments replace the whole command.
docker image rm -f cowsay >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends cowsay \
    && rm -rf /var/lib/apt/lists/*
CMD ["/usr/games/cowsay", "hello"]
DOCKERFILE
docker build -t cowsay .
