# The count in letters, with the words around it ("trois nouvelles couches").
words=(zéro une deux trois quatre cinq six sept huit neuf dix onze douze)
n=$(($(docker image inspect -f '{{len .RootFS.Layers}}' mon-apache:1.0) - $(docker image inspect -f '{{len .RootFS.Layers}}' debian:bookworm)))
echo "${words[$n]:-$n} nouvelles couches"
