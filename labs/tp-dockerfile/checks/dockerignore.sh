# Step dockerignore: mon-site:1.0 holds the Produpot site of /root/tp-dockerfile/contexte, but no
# layer of it holds the secrets folder or the .log files (excluded from the build context by the
# folder's .dockerignore, not deleted by a later layer).
dir=/root/tp-dockerfile/contexte
img=mon-site:1.0
html=usr/share/nginx/html
image_exists "$img" ||
  fail "L'image mon-site:1.0 est introuvable : dans $dir, construisez-la avec docker build -t mon-site:1.0 ."
# A throwaway container that could not start (status 125 and up, the engine being busy) is
# tried once more, so that a missing file is never reported for it.
run_in() {
  local status
  in_image "$img" "$@"
  status=$?
  [ "$status" -ge 125 ] || return "$status"
  sleep 1
  in_image "$img" "$@"
}
page=$(run_in cat "/$html/index.html")
case "$page" in
  *Produpot*) ;;
  *) fail "La page de Produpot n'est pas dans mon-site:1.0 (/$html/index.html) : construisez l'image avec le Dockerfile de $dir, et n'excluez pas index.html dans .dockerignore." ;;
esac
run_in test -f "/$html/style.css" ||
  fail "La feuille de style style.css manque dans mon-site:1.0 : votre .dockerignore exclut trop de fichiers. N'excluez que le dossier secrets et les fichiers .log, puis reconstruisez."
files=$(image_layer_files "$img") ||
  fail "Les couches de mon-site:1.0 sont illisibles (docker save a échoué) : reconstruisez l'image, puis relancez la vérification."

# Why the leaked file $1 of the image is still there, for the message: no .dockerignore, one
# that does not exclude it, or one that does but was written after the build. The last two are
# told apart by sending the folder, with its .dockerignore, to a throwaway build that copies the
# whole context out (a cached build keeps the image's old date: dates cannot tell).
why() {
  local rel=${1#"$html"/} probe excluded=
  if [ ! -f "$SANDBOX_ROOT$dir/.dockerignore" ]; then
    printf '%s' "créez le fichier $dir/.dockerignore qui l'exclut (ligne $2), puis reconstruisez l'image."
    return
  fi
  probe=$(mktemp -d)
  context=$(sandbox_copy "$dir") || context=/nonexistent
  if printf 'FROM scratch\nCOPY . /\n' | docker build -q -o "type=local,dest=$probe" -f - "$context" >/dev/null 2>&1 &&
    [ ! -e "$probe/$rel" ]; then
    excluded=1
  fi
  rm -rf "$probe" "$context"
  if [ -n "$excluded" ]; then
    printf '%s' "votre .dockerignore l'exclut bien, mais l'image a été construite avant : reconstruisez-la avec docker build -t mon-site:1.0 . dans $dir."
  else
    printf '%s' "votre .dockerignore ne l'exclut pas : ajoutez-y la ligne $2, puis reconstruisez l'image."
  fi
}

# Files of the secrets folder, and the context's .log files, in any layer (whiteouts aside).
leaked() {
  printf '%s\n' "$files" | awk -F '\t' -v html="$html" -v kind="$1" '
    { name = $2; sub(/^.*\//, "", name) }
    name ~ /^\.wh\./ { next }
    kind == "secrets" && (index($2, html "/secrets/") == 1 || name == "cle-api.txt") { print $2; exit }
    kind == "logs" && ((index($2, html "/") == 1 && name ~ /\.log$/) || name == "notes.log" || name == "debug.log") { print $2; exit }'
}

secret=$(leaked secrets)
if [ -n "$secret" ]; then
  run_in test -e "/$secret" ||
    fail "Le dossier secrets est effacé par une couche supérieure (RUN rm…), mais la couche du COPY contient toujours /$secret : elle se lit dans l'image (docker save). Retirez le RUN rm et excluez le dossier du contexte avec .dockerignore (secrets/), puis reconstruisez."
  fail "mon-site:1.0 contient la clé d'API (/$secret) : $(why "$secret" secrets/)"
fi
log=$(leaked logs)
if [ -n "$log" ]; then
  run_in test -e "/$log" ||
    fail "Les journaux sont effacés par une couche supérieure (RUN rm…), mais la couche du COPY contient toujours /$log : il se lit dans l'image (docker save). Retirez le RUN rm et excluez les journaux du contexte avec .dockerignore (*.log), puis reconstruisez."
  fail "mon-site:1.0 contient un journal (/$log) : $(why "$log" '*.log')"
fi
[ -f "$SANDBOX_ROOT$dir/.dockerignore" ] ||
  fail "mon-site:1.0 ne contient ni la clé ni les journaux, mais $dir/.dockerignore n'existe pas : écrivez-le (secrets/ et *.log), pour que tout COPY . de ce dossier les laisse de côté."
pass "Bravo : mon-site:1.0 contient le site de Produpot, et aucune de ses couches ne contient la clé d'API ni les journaux : .dockerignore les a laissés hors du contexte."
