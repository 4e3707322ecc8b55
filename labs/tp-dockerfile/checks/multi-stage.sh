# Step multi-stage: hello:1 prints the program's text, weighs under 10 MB and has no shell.
img=hello:1
image_exists "$img" ||
  fail "L'image hello:1 est introuvable : dans /root/tp-dockerfile/hello, construisez-la avec docker build -t hello:1 ."
size=$(docker image inspect -f '{{.Size}}' "$img" 2>/dev/null)
[ "${size:-0}" -lt 10000000 ] ||
  fail "hello:1 pèse $((size / 1000000)) Mo : l'image finale contient encore la chaîne de compilation ou un système. Ajoutez une seconde étape FROM scratch qui ne reçoit que le binaire (COPY --from=builder)."
if docker run --rm --network none --log-driver none --entrypoint /bin/sh "$img" -c true >/dev/null 2>&1; then
  fail "hello:1 contient un shell : l'image finale doit partir de FROM scratch et ne recevoir que le binaire."
fi
case "$(image_entrypoint "$img")|$(image_cmd "$img")" in
  '["/bin/sh","-c"'* | *'|["/bin/sh","-c"'*)
    fail "La commande de démarrage est en forme shell (/bin/sh -c ...), or il n'y a pas de shell dans scratch : écrivez-la en forme exec, CMD [\"/hello\"]." ;;
  'null|null' | '[]|null' | 'null|[]')
    fail "hello:1 n'a pas de commande de démarrage : ajoutez CMD [\"/hello\"] à l'étape finale." ;;
esac
out=$(image_run "$img")
case "$out" in
  *"Bonjour depuis un binaire Go"*) ;;
  *"no such file or directory"*) fail "Le binaire ne peut pas s'exécuter dans scratch : compilez-le statiquement (CGO_ENABLED=0 go build ...) et vérifiez le chemin donné à CMD." ;;
  *) fail "docker run --rm hello:1 n'affiche pas le message du programme : vérifiez le COPY --from=builder et le CMD [\"/hello\"] (forme exec). Sortie : $(printf '%s' "$out" | tr -s '[:space:]' ' ' | cut -c1-120)" ;;
esac
pass "Bravo : hello:1 ne pèse que $((size / 1000)) ko, sans shell, et affiche son message."
