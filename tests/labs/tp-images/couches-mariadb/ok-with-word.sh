# The number followed by the word "couches".
docker pull -q mariadb >/dev/null
echo "$(docker image inspect -f '{{len .RootFS.Layers}}' mariadb) couches"
