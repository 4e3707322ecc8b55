# expect: aucun registre ne répond sur localhost:5000
# The image and its archive, but no registry.
docker rm -f defi >/dev/null 2>&1 || true
docker image rm -f defi-images:1 localhost:5000/defi/nginx:1 localhost:5000/defi/nginx:latest >/dev/null 2>&1 || true
rm -f /root/defi.tar
# The registry stopped (kept for the next variants).
docker stop $(docker ps -q --filter publish=5000) >/dev/null 2>&1 || true
docker run -d --name defi nginx
docker exec defi sh -c 'echo "<h1>Défi réussi</h1>" > /usr/share/nginx/html/index.html'
docker commit defi defi-images:1
docker save -o /root/defi.tar defi-images:1
