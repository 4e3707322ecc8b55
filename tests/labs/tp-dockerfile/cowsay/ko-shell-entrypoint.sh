# expect: forme shell
# ENTRYPOINT in shell form ignores CMD and the arguments.
docker image rm -f cowsay >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends cowsay \
    && rm -rf /var/lib/apt/lists/*
ENTRYPOINT /usr/games/cowsay
CMD ["hello"]
DOCKERFILE
docker build -t cowsay .
