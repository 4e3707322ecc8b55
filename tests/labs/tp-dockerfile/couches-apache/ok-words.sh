# The same count, written as a sentence end: "3 couches".
echo "$(( $(docker image inspect -f '{{len .RootFS.Layers}}' mon-apache:1.0) - $(docker image inspect -f '{{len .RootFS.Layers}}' debian:bookworm) )) couches"
