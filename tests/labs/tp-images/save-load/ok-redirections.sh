# save and load through redirections, rmi, both tags removed one by one.
# Bring debian-formation:v1 back from the registry of the previous step if an earlier attempt removed it.
docker image inspect debian-formation:v1 >/dev/null 2>&1 || {
  docker pull localhost:5000/debian-formation:1.0.0 && docker tag localhost:5000/debian-formation:1.0.0 debian-formation:v1
}
rm -f /root/debian-formation.tar
sleep 1
docker save debian-formation:v1 > /root/debian-formation.tar
docker rmi localhost:5000/debian-formation:1.0.0 >/dev/null 2>&1 || true
docker rmi debian-formation:v1
docker load < /root/debian-formation.tar
# The registry tag back, as before the step.
docker tag debian-formation:v1 localhost:5000/debian-formation:1.0.0
