# The registry published on the loopback only, restarted unless stopped; the image tagged by its id.
docker rm -f registre >/dev/null 2>&1 || true
docker run -d --name registre --restart unless-stopped -p 127.0.0.1:5000:5000 registry:2
for i in $(seq 1 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
docker tag "$(docker image inspect -f '{{.Id}}' debian-formation:v1)" localhost:5000/debian-formation:1.0.0
docker push localhost:5000/debian-formation:1.0.0
