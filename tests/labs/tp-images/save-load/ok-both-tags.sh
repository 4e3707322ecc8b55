# docker save -o with both tags, one docker image rm for both, docker load -i.
docker image inspect debian-formation:v1 >/dev/null 2>&1 || {
  docker pull localhost:5000/debian-formation:1.0.0 && docker tag localhost:5000/debian-formation:1.0.0 debian-formation:v1
}
docker image inspect localhost:5000/debian-formation:1.0.0 >/dev/null 2>&1 ||
  docker tag debian-formation:v1 localhost:5000/debian-formation:1.0.0
rm -f /root/debian-formation.tar
sleep 1
docker save -o /root/debian-formation.tar debian-formation:v1 localhost:5000/debian-formation:1.0.0
docker image rm debian-formation:v1 localhost:5000/debian-formation:1.0.0
docker load -i /root/debian-formation.tar
