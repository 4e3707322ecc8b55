# ENTRYPOINT with options of its own, PATH extended with ENV.
docker image rm -f cowsay >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends cowsay \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/games:$PATH
ENTRYPOINT ["cowsay", "-f", "default"]
CMD ["hello"]
DOCKERFILE
docker build -t cowsay .
