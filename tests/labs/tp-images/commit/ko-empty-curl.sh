# expect: ne fonctionne pas
# An empty executable where curl should have been installed.
docker rm -f ma-debian >/dev/null 2>&1 || true
docker image rm -f debian-formation:v1 >/dev/null 2>&1 || true
docker run -d --name ma-debian debian:bookworm sleep infinity
docker exec ma-debian sh -c 'touch /usr/bin/curl && chmod +x /usr/bin/curl'
docker commit ma-debian debian-formation:v1
