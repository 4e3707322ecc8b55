# expect: ajoute 2 couches
# A container of the first commit committed again: two layers above debian:bookworm.
docker rm -f ma-debian ma-debian-2 >/dev/null 2>&1 || true
docker image rm -f debian-formation:v1 >/dev/null 2>&1 || true
docker run -d --name ma-debian debian:bookworm sleep infinity
docker exec ma-debian sh -c 'apt-get update && apt-get install -y curl'
docker commit ma-debian debian-formation:v1
docker run -d --name ma-debian-2 debian-formation:v1 sleep infinity
docker exec ma-debian-2 touch /fichier
docker commit ma-debian-2 debian-formation:v1
docker rm -f ma-debian-2
