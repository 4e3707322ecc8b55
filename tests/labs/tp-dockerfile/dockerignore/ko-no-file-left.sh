# expect: n'existe pas
# Only the site's files copied by name, but no .dockerignore written.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
ctx=$(mktemp -d)
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM nginx:latest
COPY index.html style.css /usr/share/nginx/html/
DOCKERFILE
docker build -t mon-site:1.0 -f "$ctx/Dockerfile" .
