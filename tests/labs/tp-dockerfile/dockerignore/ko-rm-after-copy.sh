# expect: effacé par une couche supérieure
# The leaked files removed by a RUN after the COPY: they stay in the COPY layer.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
ctx=$(mktemp -d)
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM nginx:latest
COPY . /usr/share/nginx/html/
RUN rm -rf /usr/share/nginx/html/secrets /usr/share/nginx/html/*.log
DOCKERFILE
docker build -t mon-site:1.0 -f "$ctx/Dockerfile" .
