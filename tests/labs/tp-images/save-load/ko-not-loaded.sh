# expect: pas (encore) rechargée
# Removed, not loaded back.
# Bring debian-formation:v1 back from the registry of the previous step if an earlier attempt removed it.
docker image inspect debian-formation:v1 >/dev/null 2>&1 || {
  docker pull localhost:5000/debian-formation:1.0.0 && docker tag localhost:5000/debian-formation:1.0.0 debian-formation:v1
}
rm -f /root/debian-formation.tar
sleep 1
docker save -o /root/debian-formation.tar debian-formation:v1
docker image rm localhost:5000/debian-formation:1.0.0 >/dev/null 2>&1 || true
docker image rm debian-formation:v1
