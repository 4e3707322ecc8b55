# The count from docker image inspect of the two images.
echo $(( $(docker image inspect -f '{{len .RootFS.Layers}}' mon-apache:1.0) - $(docker image inspect -f '{{len .RootFS.Layers}}' debian:bookworm) ))
