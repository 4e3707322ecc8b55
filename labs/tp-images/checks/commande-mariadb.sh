# Step commande-mariadb (question): the default command (Config.Cmd) of the mariadb image,
# read from the sandbox, not hard-coded.
require_answer
ref=mariadb
image_exists "$ref" || ref=$(docker image ls mariadb --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | head -n 1)
[ -n "$ref" ] && image_exists "$ref" ||
  fail "L'image mariadb n'est pas présente : récupérez-la d'abord avec docker pull mariadb."
expected=$(docker image inspect -f '{{join .Config.Cmd " "}}' "$ref" 2>/dev/null | normalize_words)
[ -n "$expected" ] || fail "L'image $ref n'a pas de commande par défaut : avez-vous bien récupéré l'image officielle mariadb ?"
answer=$(normalize_words "$ANSWER" | sed -E 's/^(cmd|commande) *:? *//')
if [ "$answer" = "$expected" ]; then
  pass "Exact : la commande par défaut de $ref est $expected, passée au script d'entrée docker-entrypoint.sh."
fi
case "$answer" in
  *docker-entrypoint*) fail "Ça, c'est l'ENTRYPOINT (le script d'entrée). La commande par défaut est la clé Cmd de la section Config." ;;
esac
fail "Ce n'est pas la commande par défaut de $ref : cherchez la clé Cmd de la section Config dans docker image inspect $ref."
