# expect: réussit même quand Apache ne tourne pas
# A health test that tests nothing: healthy at once, whatever Apache does.
docker image rm -f mon-apache:sante >/dev/null 2>&1 || true
docker rm -f web-sante >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/index.html /root/tp-dockerfile/start.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM mon-apache:1.1
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
HEALTHCHECK --interval=2s CMD true
DOCKERFILE
docker build -t mon-apache:sante .
docker run -d --name web-sante mon-apache:sante
