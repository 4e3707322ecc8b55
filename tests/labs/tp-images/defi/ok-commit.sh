# docker commit of a running nginx whose page was rewritten, pushed to the registry already on
# port 5000, saved by name.
docker rm -f defi >/dev/null 2>&1 || true
docker image rm -f defi-images:1 localhost:5000/defi/nginx:1 localhost:5000/defi/nginx:latest >/dev/null 2>&1 || true
rm -f /root/defi.tar
docker run -d --name defi nginx
docker exec defi sh -c 'echo "<h1>Défi réussi</h1>" > /usr/share/nginx/html/index.html'
docker commit defi defi-images:1
# The registry already on port 5000 is reused (or restarted), as a student would.
if ! curl -fs localhost:5000/v2/ >/dev/null; then
  docker start registre >/dev/null 2>&1 || docker run -d --name registre -p 5000:5000 registry:2
  for i in $(seq 1 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
fi
docker tag defi-images:1 localhost:5000/defi/nginx:1
docker push localhost:5000/defi/nginx:1
docker save -o /root/defi.tar defi-images:1
