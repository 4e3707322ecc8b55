# expect: curl n'est pas installé
# An empty file named curl, made executable, instead of installing curl.
docker image rm -f mon-apache:sante >/dev/null 2>&1 || true
docker rm -f web-sante >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM mon-apache:1.1
RUN touch /usr/bin/curl && chmod +x /usr/bin/curl
HEALTHCHECK --interval=2s --timeout=2s CMD curl -fsS http://localhost/ || exit 1
DOCKERFILE
docker build -t mon-apache:sante .
docker run -d --name web-sante mon-apache:sante
