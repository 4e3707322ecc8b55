# Step env-run: container app-3 was created from mon-app:2.0 with APP_VERSION=3.0 given at run
# time (docker run -e), and the application printed 3.0, while the image still says 2.0.
img=mon-app:2.0
image_exists "$img" ||
  fail "L'image mon-app:2.0 est introuvable : reconstruisez-la (étape précédente), avec docker build --build-arg APP_VERSION=2.0 -t mon-app:2.0 . dans /root/tp-dockerfile/app."
version=$(image_env "$img" APP_VERSION)
[ "$version" = 2.0 ] ||
  fail "Dans l'image mon-app:2.0, APP_VERSION vaut « ${version:-rien} » au lieu de 2.0 : l'image a été reconstruite, or le but est de changer la valeur sans reconstruire. Refaites mon-app:2.0 (docker build --build-arg APP_VERSION=2.0 -t mon-app:2.0 . dans /root/tp-dockerfile/app), puis donnez la valeur 3.0 au lancement du conteneur, avec -e."
container_exists app-3 ||
  fail "Aucun conteneur nommé app-3 : lancez-en un à partir de mon-app:2.0, avec --name app-3 et sans --rm (le conteneur serait effacé dès son arrêt), en donnant la valeur 3.0 à APP_VERSION avec l'option -e."
[ "$(container_image_id app-3)" = "$(image_id "$img")" ] ||
  fail "Le conteneur app-3 n'a pas été créé à partir de l'image mon-app:2.0 (telle qu'elle est maintenant) : docker rm -f app-3, puis relancez-le à partir de mon-app:2.0, avec -e APP_VERSION=3.0."
value=$(docker container inspect -f '{{range .Config.Env}}{{println .}}{{end}}' app-3 2>/dev/null |
  awk 'index($0, "APP_VERSION=") == 1 { print substr($0, 13); exit }')
[ "$value" = 3.0 ] ||
  fail "Dans le conteneur app-3, APP_VERSION vaut « ${value:-rien} » au lieu de 3.0 : c'est cette variable que l'option -e doit changer, -e APP_VERSION=3.0. Supprimez le conteneur (docker rm -f app-3), puis relancez-le."
# A detached container may still be printing: give it a few seconds.
for _ in $(seq 1 30); do
  logs=$(docker logs app-3 2>&1)
  [ -n "$logs" ] && break
  container_running app-3 || [ "$(docker container inspect -f '{{.State.Status}}' app-3 2>/dev/null)" = created ] || break
  sleep 0.1
done
case "$logs" in
  *"version 3.0"*) ;;
  '') fail "Le conteneur app-3 n'a rien affiché : a-t-il démarré ? Lancez-le avec docker start -a app-3, ou recréez-le avec docker run." ;;
  *) fail "app-3 n'a pas affiché « Application version 3.0 » : laissez l'image lancer son application (rien après le nom de l'image dans docker run). Sortie obtenue : $(printf '%s' "$logs" | tr -s '[:space:]' ' ' | cut -c1-120)" ;;
esac
pass "Bravo : app-3 affiche la version 3.0, donnée au lancement par -e, alors que l'image mon-app:2.0 dit toujours 2.0 : inutile de reconstruire pour changer une variable ENV."
