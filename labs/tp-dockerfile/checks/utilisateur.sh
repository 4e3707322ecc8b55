# Step utilisateur: mon-app:1.0 runs its application as a non-root user declared with USER.
img=mon-app:1.0
image_exists "$img" ||
  fail "L'image mon-app:1.0 est introuvable : dans /root/tp-dockerfile/app, construisez-la avec docker build -t mon-app:1.0 ."
user=$(docker image inspect -f '{{.Config.User}}' "$img" 2>/dev/null)
[ -n "$user" ] ||
  fail "L'image n'a pas d'instruction USER : elle tourne en root. Créez un utilisateur (RUN useradd --create-home appli) puis ajoutez USER appli."
case "${user%%:*}" in
  root | 0) fail "L'image déclare USER $user : c'est root. Créez un utilisateur dédié (RUN useradd --create-home appli) et terminez par USER appli." ;;
esac
uid=$(in_image "$img" id -u) ||
  fail "Impossible de lancer un conteneur de mon-app:1.0 en tant que $user : cet utilisateur existe-t-il dans l'image ? Créez-le avec RUN useradd avant l'instruction USER."
[ "$uid" != 0 ] ||
  fail "Les conteneurs de mon-app:1.0 tournent encore avec l'uid 0 (root) : l'instruction USER doit désigner un autre utilisateur."
# The uid must be a user of the image (/etc/passwd), not a bare number nobody was given.
evidence "mon-app:1.0 $(image_id "$img") : USER $user, uid $uid"
name=$(in_image "$img" id -un) ||
  fail "L'uid $uid de USER $user n'est celui d'aucun utilisateur de l'image (absent de /etc/passwd) : créez l'utilisateur avec RUN useradd avant l'instruction USER."
out=$(image_run "$img")
case "$out" in
  *Application*) ;;
  *) fail "La commande par défaut de mon-app:1.0 ne lance pas l'application : copiez app.sh (COPY app.sh /usr/local/bin/app.sh) et ajoutez CMD [\"/usr/local/bin/app.sh\"]." ;;
esac
pass "Bravo : mon-app:1.0 tourne en tant que $name (uid $uid), pas en root."
