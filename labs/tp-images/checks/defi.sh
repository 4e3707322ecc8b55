# Step defi (challenge): defi-images:1, built from nginx, serves a home page holding « Défi
# réussi » ; the registry on localhost:5000 serves that very image as defi/nginx:1 ; and
# /root/defi.tar is a docker save archive of it, under a name.
img=defi-images:1
registry=http://localhost:5000
page=/usr/share/nginx/html/index.html
# « Défi réussi », any case, accents typed or not, or as HTML entities.
e='(é|É|e|&eacute;|&Eacute;|&#233;|&#201;)'
has_text() { grep -qiE "d${e}fi[[:space:]]+r${e}ussi"; }

# --- the image --------------------------------------------------------------------------------
image_exists "$img" ||
  fail "L'image defi-images:1 n'existe pas : produisez-la à partir de l'image nginx."
image_based_on "$img" nginx:latest >/dev/null ||
  fail "L'image defi-images:1 ne part pas de l'image nginx du registre du cours : produisez-la à partir de nginx."
image_read "$img" "$page" | has_text ||
  fail "Dans l'image defi-images:1, la page $page ne contient pas « Défi réussi »."

# A throwaway container of the image, as anyone would start it: does it serve the page?
web=defi-verif-$$
trap 'docker rm -f "$web" >/dev/null 2>&1' EXIT
docker run -d --name "$web" -p 127.0.0.1::80 "$img" >/dev/null 2>&1 ||
  fail "Impossible de lancer un conteneur à partir de defi-images:1 : vérifiez que l'image démarre nginx sans option."
port=$(docker port "$web" 80/tcp 2>/dev/null | sed -n 's/^127\.0\.0\.1://p' | head -n 1)
body=$([ -n "$port" ] && http_get_retry "http://127.0.0.1:$port/" 50) ||
  fail "Un conteneur lancé à partir de defi-images:1 ne répond pas sur son port 80 : sa commande par défaut doit toujours démarrer nginx (voyez sa configuration avec docker image inspect)."
printf '%s' "$body" | has_text ||
  fail "Un conteneur lancé à partir de defi-images:1 sert une page d'accueil sans « Défi réussi » : vérifiez la configuration de nginx dans l'image."
docker rm -f "$web" >/dev/null 2>&1

# --- the registry -----------------------------------------------------------------------------
http_get "$registry/v2/" >/dev/null ||
  fail "L'image est prête, mais aucun registre ne répond sur localhost:5000 : lancez-en un, publié sur ce port."
tags=$(http_get "$registry/v2/defi/nginx/tags/list") ||
  fail "Le registre de localhost:5000 ne connaît pas defi/nginx : publiez-y l'image defi-images:1 sous ce nom."
printf '%s' "$tags" | jq -e '.tags // [] | index("1")' >/dev/null 2>&1 ||
  fail "Le registre de localhost:5000 connaît defi/nginx, mais pas le tag 1 (tags publiés : $(printf '%s' "$tags" | jq -r '.tags // [] | join(", ")' 2>/dev/null))."
# The pushed manifest's config is the image's config: its digest is the local image id.
config=$(registry_config_digest "$registry" defi/nginx 1)
id=$(image_id "$img")
[ -n "$config" ] && [ "$config" = "$id" ] ||
  fail "Le registre sert bien defi/nginx:1, mais ce n'est pas l'image defi-images:1 actuelle (elle a changé depuis ?) : publiez de nouveau defi-images:1 sous ce nom."

# --- the archive ------------------------------------------------------------------------------
tar=$SANDBOX_ROOT/root/defi.tar
# /root is small (256 MB): an export may have run out of room.
room=
[ "$(df --output=avail -k "$SANDBOX_ROOT/root" 2>/dev/null | tail -n 1)" -lt 150000 ] 2>/dev/null &&
  room=" Attention, /root est presque plein : supprimez les archives dont vous n'avez plus besoin."
[ -f "$tar" ] ||
  fail "L'image est publiée ; il manque son export : le fichier /root/defi.tar n'existe pas.$room"
archive=$(tar -xOf "$tar" manifest.json 2>/dev/null) ||
  fail "/root/defi.tar n'est pas une archive d'image Docker complète : il lui manque le manifest.json qu'écrit l'export d'une image.$room"
# Each image of the archive: its config is "<hex>.json" or "blobs/sha256/<hex>", <hex> its id.
names=$(printf '%s' "$archive" | jq -r --arg hex "${id#sha256:}" \
  '[.[] | select(.Config | contains($hex))] | if length == 0 then "none" else (map(.RepoTags // []) | add | join(" ")) end' 2>/dev/null)
[ -n "$names" ] && [ "$names" != none ] || {
  [ "$names" = none ] &&
    fail "/root/defi.tar ne contient pas l'image defi-images:1 actuelle (mais $(printf '%s' "$archive" | jq -r 'map(.RepoTags // ["une image sans nom"]) | add | join(", ")' 2>/dev/null)) : exportez la bonne image."
  fail "/root/defi.tar contient l'image defi-images:1, mais sans nom : exportez-la en la désignant par son nom, pour qu'elle revienne sous ce nom au chargement."
}
pass "Défi réussi ! defi-images:1 part de nginx et sert « Défi réussi », votre registre la publie sous defi/nginx:1 et /root/defi.tar en est l'export."
