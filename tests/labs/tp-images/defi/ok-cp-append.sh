# A page appended to (the nginx welcome text kept) and put in place with docker cp into a
# stopped container, committed with a message, both names in the archive.
docker rm -f defi >/dev/null 2>&1 || true
docker image rm -f defi-images:1 localhost:5000/defi/nginx:1 localhost:5000/defi/nginx:latest >/dev/null 2>&1 || true
rm -f /root/defi.tar
docker create --name defi nginx
docker cp defi:/usr/share/nginx/html/index.html /tmp/index.html
echo '<p>DÉFI RÉUSSI</p>' >> /tmp/index.html
docker cp /tmp/index.html defi:/usr/share/nginx/html/index.html
docker commit -m "page du défi" defi defi-images:1
# The registry already on port 5000 is reused (or restarted), as a student would.
if ! curl -fs localhost:5000/v2/ >/dev/null; then
  docker start registre >/dev/null 2>&1 || docker run -d --name registre -p 5000:5000 registry:2
  for i in $(seq 1 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
fi
docker tag defi-images:1 localhost:5000/defi/nginx:1
docker push localhost:5000/defi/nginx:1
docker save -o /root/defi.tar defi-images:1 localhost:5000/defi/nginx:1
