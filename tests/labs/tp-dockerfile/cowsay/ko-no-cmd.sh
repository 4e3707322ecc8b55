# expect: ajoutez CMD ["hello"]
# No default parameter.
docker image rm -f cowsay >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends cowsay \
    && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/games/cowsay"]
DOCKERFILE
docker build -t cowsay .
