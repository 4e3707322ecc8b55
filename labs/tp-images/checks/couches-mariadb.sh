# Step couches-mariadb (question): the number of RootFS layers of the mariadb image.
require_answer
ref=mariadb
image_exists "$ref" || ref=$(docker image ls mariadb --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | head -n 1)
[ -n "$ref" ] && image_exists "$ref" ||
  fail "L'image mariadb n'est pas présente : récupérez-la d'abord avec docker pull mariadb."
expected=$(image_layers "$ref")
# In digits or in words: "11", "11 couches", "onze".
answer=$(answer_number "$ANSWER" 'couches?|layers?') ||
  fail "Répondez par un nombre : le nombre d'éléments de la liste RootFS.Layers de $ref."
[ "$answer" -eq "$expected" ] &&
  pass "Exact : l'image $ref est composée de $expected couches."
[ "$answer" -gt "$expected" ] &&
  fail "C'est trop : avez-vous compté toutes les lignes de docker history ? Seule la liste RootFS.Layers de docker image inspect compte."
fail "Ce n'est pas le bon nombre : comptez les éléments de la liste RootFS.Layers de docker image inspect $ref."
