# Step dockerfile-apache: mon-apache:1.0 is Debian (12 or 13) + Apache, installed in a RUN that
# cleaned the apt lists, with the page, /start.sh (exec form) and port 80 declared.
img=mon-apache:1.0
image_exists "$img" ||
  fail "L'image mon-apache:1.0 est introuvable : dans /root/tp-dockerfile, construisez-la avec docker build -t mon-apache:1.0 ."
# (debian:12 and debian:13 are the same images as bookworm and trixie.)
base=$(image_based_on "$img" debian:bookworm debian:bookworm-slim debian:trixie debian:trixie-slim) ||
  fail "mon-apache:1.0 ne part pas d'une image Debian du cours : commencez le Dockerfile par FROM debian:bookworm (ou debian:bookworm-slim, debian:trixie, debian:trixie-slim)."
image_tool_runs "$img" /usr/sbin/apache2 'Apache/2' -v ||
  fail "Apache n'est pas installé dans l'image (ou /usr/sbin/apache2 ne s'y lance pas) : ajoutez RUN apt-get update && apt-get install -y apache2 && rm -rf /var/lib/apt/lists/*"
# apt lists left in any layer added above the base (a later `rm` only hides them).
added=$(image_added_files "$img" "$base") ||
  fail "Les couches de mon-apache:1.0 sont illisibles (docker save a échoué) : reconstruisez l'image, puis relancez la vérification."
if printf '%s\n' "$added" | awk -F '\t' '$2 ~ /^var\/lib\/apt\/lists\/[^\/]+$/ && $2 !~ /\/(lock|partial|\.wh\.[^\/]*)$/ { found = 1 } END { exit !found }'; then
  fail "Une couche de l'image contient encore les listes apt (/var/lib/apt/lists) : effacez-les dans le même RUN que l'installation (apt-get update && apt-get install -y apache2 && rm -rf /var/lib/apt/lists/*), pas dans un RUN séparé."
fi
page=$(image_read "$img" /var/www/html/index.html)
case "$page" in
  *tp-dockerfile*) ;;
  *) fail "La page du TP n'est pas dans l'image : ajoutez COPY index.html /var/www/html/index.html" ;;
esac
image_has_executable "$img" /start.sh ||
  fail "/start.sh manque dans l'image ou n'est pas exécutable : ajoutez COPY start.sh /start.sh (le fichier est déjà exécutable dans /root/tp-dockerfile)."
docker image inspect -f '{{json .Config.ExposedPorts}}' "$img" 2>/dev/null | grep -q '"80/tcp"' ||
  fail "Le port 80 n'est pas déclaré : ajoutez EXPOSE 80 au Dockerfile."
entrypoint=$(image_entrypoint "$img")
cmd=$(image_cmd "$img")
# What the container runs: ENTRYPOINT then CMD, as one argument list.
argv=$(jq -cn --argjson e "${entrypoint:-null}" --argjson c "${cmd:-null}" '($e // []) + ($c // [])' 2>/dev/null)
case "$argv" in
  '["/start.sh"]' | '["bash","/start.sh"]' | '["/bin/bash","/start.sh"]' | '["/usr/bin/bash","/start.sh"]') ;;
  '["/bin/sh","-c"'*)
    fail "La commande de démarrage est en forme shell (/bin/sh -c ...) : écrivez-la en forme exec, ENTRYPOINT [\"/start.sh\"] ou CMD [\"/start.sh\"]." ;;
  *) fail "L'image doit lancer /start.sh au démarrage, en forme exec : ENTRYPOINT [\"/start.sh\"] ou CMD [\"/start.sh\"]." ;;
esac
pass "Bravo : mon-apache:1.0 part de $base, installe Apache proprement, expose le port 80 et démarre avec /start.sh."
