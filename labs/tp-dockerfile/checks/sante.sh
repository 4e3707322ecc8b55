# Step sante: container web-sante runs mon-apache:sante, whose HEALTHCHECK makes it healthy.
image_exists mon-apache:sante ||
  fail "L'image mon-apache:sante est introuvable : construisez-la avec docker build -t mon-apache:sante -f Dockerfile.sante . dans /root/tp-dockerfile."
test=$(docker image inspect -f '{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}' mon-apache:sante 2>/dev/null)
case "$test" in
  '' | null | '[]' | '["NONE"]') fail "mon-apache:sante n'a pas de test de santé : ajoutez une instruction HEALTHCHECK au Dockerfile." ;;
esac
case "$test" in
  *curl*)
    image_tool_runs mon-apache:sante curl '^curl [0-9]' ||
      fail "Le test de santé utilise curl, mais curl n'est pas installé dans l'image (ou ne s'y lance pas) : le test s'exécute dans le conteneur, installez-le (apt-get install -y curl)." ;;
esac
interval=$(docker image inspect -f '{{json .Config.Healthcheck.Interval}}' mon-apache:sante 2>/dev/null)
case "$interval" in '' | *[!0-9]*) interval=0 ;; esac
# 0 means Docker's default: 30 s between tests, too slow for a check.
[ "$interval" -gt 0 ] && [ "$interval" -le 10000000000 ] ||
  fail "Le test de santé n'a lieu que toutes les $([ "$interval" -gt 0 ] && echo "$((interval / 1000000000)) s" || echo '30 s (valeur par défaut)') : ajoutez --interval=2s au HEALTHCHECK pour le voir à l'œuvre tout de suite."
container_exists web-sante ||
  fail "Aucun conteneur web-sante : lancez docker run -d --name web-sante mon-apache:sante"
[ "$(container_image_id web-sante)" = "$(image_id mon-apache:sante)" ] ||
  fail "web-sante n'a pas été créé à partir de la dernière version de mon-apache:sante : docker rm -f web-sante, puis relancez-le."
for _ in $(seq 1 35); do
  container_running web-sante ||
    fail "Le conteneur web-sante est arrêté : lisez docker logs web-sante, puis docker rm -f web-sante et relancez-le."
  status=$(docker container inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' web-sante 2>/dev/null)
  case "$status" in
    healthy) break ;;
    unhealthy) fail "web-sante est unhealthy : le test de santé échoue. Lisez sa sortie avec docker inspect -f '{{json .State.Health}}' web-sante" ;;
  esac
  sleep 1
done
[ "$status" = healthy ] ||
  fail "web-sante est encore dans l'état ${status:-inconnu} : attendez quelques secondes et vérifiez de nouveau, ou regardez docker inspect -f '{{json .State.Health}}' web-sante"
# A test that always succeeds (CMD true, exit 0…) says nothing of Apache: run it in a container
# of the image where Apache is not started; it must fail there. A test that only looks for the
# process (/proc/*/comm, pgrep) says nothing of the service either: run it again beside a
# process named apache2 that serves nothing; it must fail there too.
kind=$(printf '%s' "$test" | jq -r '.[0]')
decoy='cp "$(command -v sleep)" /tmp/apache2 && /tmp/apache2 60 & sleep 0.5;'
probe() {
  local before=$1
  if [ "$kind" = CMD-SHELL ]; then
    timeout 20 docker run --rm --network none --log-driver none --entrypoint /bin/sh mon-apache:sante \
      -c "$before $(printf '%s' "$test" | jq -r '.[1]')"
  else
    local args=()
    mapfile -t args < <(printf '%s' "$test" | jq -r '.[1:][]')
    timeout 20 docker run --rm --network none --log-driver none --entrypoint /bin/sh mon-apache:sante \
      -c "$before"' exec "$@"' sh "${args[@]}"
  fi
}
if probe '' >/dev/null 2>&1; then
  fail "Le test de santé réussit même quand Apache ne tourne pas : il ne vérifie rien. Il doit interroger le serveur web, par exemple CMD curl -fsS http://localhost/ || exit 1."
fi
if probe "$decoy" >/dev/null 2>&1; then
  fail "Le test de santé cherche seulement un processus apache2 : un Apache bloqué passerait aussi. Il doit interroger le serveur web, par exemple CMD curl -fsS http://localhost/ || exit 1."
fi
pass "Bravo : web-sante est healthy, et son test de santé interroge vraiment Apache (il échoue quand Apache ne tourne pas ou ne répond pas)."
