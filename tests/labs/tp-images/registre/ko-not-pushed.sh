# expect: ne connaît pas encore debian-formation
# Tagged but not pushed, to a fresh registry.
docker rm -f registre >/dev/null 2>&1 || true
docker run -d --name registre -p 5000:5000 registry:2
for i in $(seq 1 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
docker tag debian-formation:v1 localhost:5000/debian-formation:1.0.0
