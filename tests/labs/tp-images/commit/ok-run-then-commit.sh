# curl installed by the container's own command, without a shell inside it; the stopped container committed.
docker rm -f ma-debian >/dev/null 2>&1 || true
docker image rm -f debian-formation:v1 >/dev/null 2>&1 || true
docker run --name ma-debian debian:bookworm bash -c 'apt-get update && apt-get install -y --no-install-recommends curl'
docker commit ma-debian debian-formation:v1
