# wget instead of curl, shell form without "|| exit 1", a start period and fewer retries: still a
# real test of Apache.
docker image rm -f mon-apache:sante >/dev/null 2>&1 || true
docker rm -f web-sante >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM mon-apache:1.1
RUN apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*
HEALTHCHECK --interval=2s --timeout=2s --start-period=5s --retries=2 CMD wget -q -O /dev/null http://127.0.0.1/
DOCKERFILE
docker build -t mon-apache:sante .
docker run -d --name web-sante mon-apache:sante
