# expect: nombre total de couches
# Every layer of the image, the base's included.
docker image inspect -f '{{len .RootFS.Layers}}' mon-apache:1.0
