# expect: curl n'est pas installé
# Committed before installing curl.
docker rm -f ma-debian >/dev/null 2>&1 || true
docker image rm -f debian-formation:v1 >/dev/null 2>&1 || true
docker run -d --name ma-debian debian:bookworm sleep infinity
docker exec ma-debian sh -c 'apt-get update'
docker commit ma-debian debian-formation:v1
