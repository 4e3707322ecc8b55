# apt instead of apt-get, the container left running while committing.
docker rm -f ma-debian >/dev/null 2>&1 || true
docker image rm -f debian-formation:v1 >/dev/null 2>&1 || true
docker run -d --name ma-debian debian:bookworm sleep infinity
docker exec ma-debian sh -c 'apt update && apt install -y curl'
docker commit ma-debian debian-formation:v1
