# expect: --interval=2s
# The deck's 5 minutes interval: the first test would come 5 minutes later.
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
HEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1
DOCKERFILE
docker build -t mon-apache:sante .
docker run -d --name web-sante mon-apache:sante
