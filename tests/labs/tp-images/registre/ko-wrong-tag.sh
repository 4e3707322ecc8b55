# expect: pas le tag 1.0.0
# Pushed as latest.
docker rm -f registre >/dev/null 2>&1 || true
docker run -d --name registre -p 5000:5000 registry:2
for i in $(seq 1 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
docker tag debian-formation:v1 localhost:5000/debian-formation
docker push localhost:5000/debian-formation
# Only the registry keeps the wrong tag: the local one would keep the image alive in later steps.
docker image rm localhost:5000/debian-formation:latest
