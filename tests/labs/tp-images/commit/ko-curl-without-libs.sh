# expect: ne fonctionne pas
# The sandbox's own curl binary copied in, without the libraries it needs.
docker rm -f ma-debian >/dev/null 2>&1 || true
docker image rm -f debian-formation:v1 >/dev/null 2>&1 || true
docker run -d --name ma-debian debian:bookworm sleep infinity
docker cp "$(command -v curl)" ma-debian:/usr/bin/curl
docker commit ma-debian debian-formation:v1
