# expect: une autre image
# Another image pushed under the expected name and tag.
docker rm -f registre >/dev/null 2>&1 || true
docker run -d --name registre -p 5000:5000 registry:2
for i in $(seq 1 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
docker pull -q debian:bookworm >/dev/null
docker tag debian:bookworm localhost:5000/debian-formation:1.0.0
docker push localhost:5000/debian-formation:1.0.0
docker image rm localhost:5000/debian-formation:1.0.0
