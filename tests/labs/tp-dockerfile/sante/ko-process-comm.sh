# expect: cherche seulement un processus apache2
# A health test that only looks for the Apache process, never asks the web server.
docker image rm -f mon-apache:sante >/dev/null 2>&1 || true
docker rm -f web-sante >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM mon-apache:1.1
HEALTHCHECK --interval=2s --timeout=2s CMD grep -qx apache2 /proc/[0-9]*/comm || exit 1
DOCKERFILE
docker build -t mon-apache:sante .
docker run -d --name web-sante mon-apache:sante
