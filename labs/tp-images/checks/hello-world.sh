# Step hello-world: a container was created from hello-world and its program ended well.
image_exists hello-world ||
  fail "L'image hello-world n'est pas présente : lancez docker run hello-world."
for id in $(docker ps -aq --filter ancestor=hello-world 2>/dev/null); do
  [ "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$id" 2>/dev/null)" = "exited 0" ] &&
    pass "Bravo : le conteneur hello-world a affiché son message et s'est terminé normalement."
done
# A container run with --rm is gone: the engine's recent events still tell how it ended.
if timeout 5 docker events --since 0 --until "$(date +%s.%N)" --filter type=container --filter event=die \
  --format '{{.Actor.Attributes.image}} {{.Actor.Attributes.exitCode}}' 2>/dev/null | grep -qE '^hello-world(:latest)? 0$'; then
  pass "Bravo : le conteneur hello-world a affiché son message et s'est terminé normalement (il a été supprimé depuis)."
fi
[ -n "$(docker ps -aq --filter ancestor=hello-world 2>/dev/null)" ] &&
  fail "Le conteneur hello-world ne s'est pas terminé normalement : relancez docker run hello-world et lisez sa sortie."
fail "Aucun conteneur n'a été créé à partir de hello-world : lancez docker run hello-world."
