# Step defi (the TP's final challenge): defi:1.0 weighs under 20 MB, does not run as root and
# declares a HEALTHCHECK that really tests the server; container defi runs that image, with its
# port 8080 published on the sandbox's 8080, is reported healthy and serves the page.
# The messages say what is missing, never how to do it.
img=defi:1.0
image_exists "$img" ||
  fail "L'image defi:1.0 est introuvable : construisez-la à partir du programme de /root/tp-dockerfile/defi."
size=$(docker image inspect -f '{{.Size}}' "$img" 2>/dev/null)
[ "${size:-0}" -lt 20000000 ] ||
  fail "defi:1.0 pèse $((size / 1000000)) Mo : elle doit peser moins de 20 Mo."
# A user is "name", "uid", "name:group" or "uid:gid": only its first part tells root apart.
is_root() { case "${1%%:*}" in '' | 0 | root) return 0 ;; esac; return 1; }
user=$(docker image inspect -f '{{.Config.User}}' "$img" 2>/dev/null)
! is_root "$user" ||
  fail "Les conteneurs de defi:1.0 tournent en root$([ -n "$user" ] && echo " (USER $user)") : l'image doit désigner un autre utilisateur."
test=$(docker image inspect -f '{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}' "$img" 2>/dev/null)
case "$test" in
  '' | null | '[]' | '["NONE"]') fail "defi:1.0 ne déclare pas de test de santé." ;;
esac
container_exists defi ||
  fail "Aucun conteneur nommé defi : il doit être lancé à partir de defi:1.0."
[ "$(container_image_id defi)" = "$(image_id "$img")" ] ||
  fail "Le conteneur defi n'a pas été créé à partir de la version actuelle de defi:1.0 : il doit l'être (un conteneur ne change pas d'image quand on la reconstruit)."
container_running defi ||
  fail "Le conteneur defi ne tourne pas : lisez docker logs defi pour savoir pourquoi."
! is_root "$(docker container inspect -f '{{.Config.User}}' defi 2>/dev/null)" ||
  fail "Le conteneur defi tourne en root : il a été lancé avec un autre utilisateur que celui de l'image."
docker port defi 8080/tcp 2>/dev/null | grep -q ':8080$' ||
  fail "Le port 8080 du conteneur defi n'est pas publié sur le port 8080 du bac à sable."
# Docker's own verdict: the first test runs one interval after the start (30 s by default).
status=
for _ in $(seq 1 60); do
  container_running defi ||
    fail "Le conteneur defi s'est arrêté : lisez docker logs defi pour savoir pourquoi."
  status=$(docker container inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' defi 2>/dev/null)
  case "$status" in
    healthy) break ;;
    '') fail "Le conteneur defi n'a pas d'état de santé : son test de santé a été désactivé à son lancement." ;;
    unhealthy)
      if docker container inspect -f '{{json .State.Health.Log}}' defi 2>/dev/null | grep -q 'error executing setns process'; then
        fail "Docker n'arrive pas à lancer le test de santé dans le conteneur defi (« error executing setns process ») : ce bac à sable ne permet pas d'entrer dans un conteneur qui ne tourne pas en root. Ce n'est pas votre faute : signalez-le à votre formateur."
      fi
      fail "Le conteneur defi est unhealthy : son test de santé échoue. Sa sortie : docker inspect -f '{{json .State.Health}}' defi" ;;
  esac
  sleep 1
done
[ "$status" = healthy ] ||
  fail "Le conteneur defi est encore dans l'état « ${status:-inconnu} » après une minute d'attente : Docker doit pouvoir le dire healthy."
# A test that always succeeds says nothing of the server: run it in a throwaway container of the
# image, as the image's user, where the server is not started; it must fail there.
probe() {
  if [ "$(printf '%s' "$test" | jq -r '.[0]')" = CMD-SHELL ]; then
    timeout 20 docker run --rm --network none --log-driver none --entrypoint /bin/sh "$img" \
      -c "$(printf '%s' "$test" | jq -r '.[1]')"
  else
    local args=()
    mapfile -t args < <(printf '%s' "$test" | jq -r '.[1:][]')
    timeout 20 docker run --rm --network none --log-driver none --entrypoint "${args[0]}" "$img" "${args[@]:1}"
  fi
}
if probe >/dev/null 2>&1; then
  fail "Le test de santé de defi:1.0 réussit même quand le serveur ne tourne pas : il ne vérifie rien."
fi
page=$(http_get_retry http://localhost:8080/ 30) ||
  fail "Rien ne répond sur localhost:8080."
case "$page" in
  *"Bonjour du défi Produpot"*) ;;
  *) fail "localhost:8080 répond, mais pas avec le texte du serveur du défi (« Bonjour du défi Produpot »)." ;;
esac
pass "Défi réussi : defi:1.0 ne pèse que $((size / 1000)) ko, tourne en tant que $user, et le conteneur defi, healthy, répond sur le port 8080."
