# expect: curl n'est pas installé
# The test needs curl, which is not in the image.
docker image rm -f mon-apache:sante >/dev/null 2>&1 || true
docker rm -f web-sante >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/index.html /root/tp-dockerfile/start.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM mon-apache:1.1
HEALTHCHECK --interval=2s --timeout=2s CMD curl -fsS http://localhost/ || exit 1
DOCKERFILE
docker build -t mon-apache:sante .
docker run -d --name web-sante mon-apache:sante
