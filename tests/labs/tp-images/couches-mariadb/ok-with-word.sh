# The number followed by the word "couches".
echo "$(docker image inspect -f '{{len .RootFS.Layers}}' mariadb) couches"
