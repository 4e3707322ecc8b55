# expect: ne contient pas le tag debian-formation:v1
# The archive holds another image.
# Bring debian-formation:v1 back from the registry of the previous step if an earlier attempt removed it.
docker image inspect debian-formation:v1 >/dev/null 2>&1 || {
  docker pull localhost:5000/debian-formation:1.0.0 && docker tag localhost:5000/debian-formation:1.0.0 debian-formation:v1
}
docker pull -q hello-world >/dev/null
rm -f /root/debian-formation.tar
docker save -o /root/debian-formation.tar hello-world
