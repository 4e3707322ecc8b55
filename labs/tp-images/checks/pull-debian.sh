# Step pull-debian: the image debian:bookworm is in the local store.
image_exists debian:bookworm ||
  fail "L'image debian:bookworm n'est pas encore présente : lancez docker pull debian:bookworm."
pass "Bravo : l'image debian:bookworm est disponible localement ($(docker image inspect -f '{{len .RootFS.Layers}}' debian:bookworm) couche(s))."
