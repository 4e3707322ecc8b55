# bookworm-slim, apt, explicit latest tag, CMD before ENTRYPOINT.
docker image rm -f cowsay >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt update && apt install -y cowsay && rm -rf /var/lib/apt/lists/*
CMD [ "hello" ]
ENTRYPOINT [ "/usr/games/cowsay" ]
DOCKERFILE
docker build -t cowsay:latest .
