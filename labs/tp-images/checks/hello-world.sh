# Step hello-world: a container was created from hello-world and its program ended well.
image_exists hello-world ||
  fail "L'image hello-world n'est pas présente : lancez docker run hello-world."
ids=$(docker ps -aq --filter ancestor=hello-world 2>/dev/null)
[ -n "$ids" ] ||
  fail "Aucun conteneur n'a été créé à partir de hello-world : lancez docker run hello-world."
for id in $ids; do
  [ "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$id" 2>/dev/null)" = "exited 0" ] &&
    pass "Bravo : le conteneur hello-world a affiché son message et s'est terminé normalement."
done
fail "Le conteneur hello-world ne s'est pas terminé normalement : relancez docker run hello-world et lisez sa sortie."
