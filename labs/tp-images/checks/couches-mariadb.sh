# Step couches-mariadb (question): the number of RootFS layers of the mariadb image.
require_answer
ref=mariadb
image_exists "$ref" || ref=$(docker image ls mariadb --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | head -n 1)
[ -n "$ref" ] && image_exists "$ref" ||
  fail "L'image mariadb n'est pas présente : récupérez-la d'abord avec docker pull mariadb."
expected=$(image_layers "$ref")
answer=$(normalize_words "$ANSWER" | sed -E 's/ *(couches?|layers?)$//')
case "$answer" in
  '' | *[!0-9]*) fail "Répondez par un nombre : le nombre d'éléments de la liste RootFS.Layers de $ref." ;;
esac
[ "$((10#$answer))" -eq "$expected" ] &&
  pass "Exact : l'image $ref est composée de $expected couches."
[ "$((10#$answer))" -gt "$expected" ] &&
  fail "C'est trop : avez-vous compté toutes les lignes de docker history ? Seule la liste RootFS.Layers de docker image inspect compte."
fail "Ce n'est pas le bon nombre : comptez les éléments de la liste RootFS.Layers de docker image inspect $ref."
