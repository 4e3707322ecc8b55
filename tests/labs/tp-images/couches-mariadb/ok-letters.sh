# The count written in letters, as a student may type it ("Onze couches").
docker pull -q mariadb >/dev/null
n=$(docker image inspect -f '{{len .RootFS.Layers}}' mariadb)
words=(zéro Une Deux Trois Quatre Cinq Six Sept Huit Neuf Dix Onze Douze Treize Quatorze Quinze Seize Dix-sept Dix-huit Dix-neuf Vingt)
echo "${words[$n]:-$n} couches"
