# A Dockerfile copying the page (accents as HTML entities) built with BuildKit, docker image
# push, the archive written through a redirection, under the registry name.
docker rm -f defi >/dev/null 2>&1 || true
docker image rm -f defi-images:1 localhost:5000/defi/nginx:1 localhost:5000/defi/nginx:latest >/dev/null 2>&1 || true
rm -f /root/defi.tar
ctx=$(mktemp -d)
printf '<!DOCTYPE html>\n<html><body><p>D&eacute;fi r&eacute;ussi !</p></body></html>\n' > "$ctx/index.html"
printf 'FROM nginx:latest\nCOPY index.html /usr/share/nginx/html/index.html\n' > "$ctx/Dockerfile"
docker build -t defi-images:1 "$ctx"
# The registry already on port 5000 is reused (or restarted), as a student would.
if ! curl -fs localhost:5000/v2/ >/dev/null; then
  docker start registre >/dev/null 2>&1 || docker run -d --name registre -p 5000:5000 registry:2
  for i in $(seq 1 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
fi
docker image tag defi-images:1 localhost:5000/defi/nginx:1
docker image push localhost:5000/defi/nginx:1
docker image save localhost:5000/defi/nginx:1 > /root/defi.tar
