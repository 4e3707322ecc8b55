# Step multi-stage: hello:1 prints the program's text, weighs under 10 MB, has no shell, and its
# binary is the one its Dockerfile's builder stage compiles.
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
# The build itself compiled the program: the Dockerfile of the step's folder has a stage that
# the final stage copies the binary from, and that stage's binary is, byte for byte, the one
# hello:1 runs. A binary compiled elsewhere and copied in from the folder is not the build's.
dir=/root/tp-dockerfile/hello
df=$SANDBOX_ROOT$dir/Dockerfile
[ -f "$df" ] ||
  fail "Le Dockerfile de $dir est introuvable : écrivez-y le build multi-stage, puis lancez docker build -t hello:1 . dans ce dossier."
[ "$(grep -ciE '^[[:space:]]*FROM[[:space:]]' "$df")" -ge 2 ] ||
  fail "Le Dockerfile de $dir n'a qu'une étape : compilez le programme dans une première étape (FROM golang:1.19 AS builder), puis copiez le binaire dans l'étape finale FROM scratch avec COPY --from=builder."
# The final stage's COPY --from: "<stage> <first source>".
from=$(awk '
  toupper($1) == "FROM" { copy = "" }
  toupper($1) == "COPY" {
    stage = ""; source = ""
    for (i = 2; i < NF; i++) {
      if (tolower($i) ~ /^--from=/) stage = substr($i, 8)
      else if ($i !~ /^--/ && source == "") source = $i
    }
    gsub(/[\[\]",]/, "", source)
    if (stage != "" && source != "") copy = stage " " source
  }
  END { print copy }' "$df")
[ -n "$from" ] ||
  fail "L'étape finale du Dockerfile de $dir ne copie rien d'une étape précédente : le binaire doit venir du build, avec COPY --from=builder /chemin/du/binaire /hello."
stage=${from%% *}
source=${from#* }
# The Dockerfile up to the end of that stage (a name, or an index from 0).
end=$(awk -v want="$stage" '
  toupper($1) == "FROM" {
    if (found) { print NR - 1; printed = 1; exit }
    name = ""
    for (i = 2; i < NF; i++) if (toupper($i) == "AS") name = $(i + 1)
    if (tolower(name) == tolower(want) || (want ~ /^[0-9]+$/ && n == want)) found = 1
    n++
  }
  END { if (!printed) print (found ? NR : 0) }' "$df")
[ "$end" -gt 0 ] ||
  fail "COPY --from=$stage ne désigne aucune étape du Dockerfile de $dir : nommez l'étape de compilation (FROM golang:1.19 AS builder) et copiez depuis elle."
partial=$(mktemp)
head -n "$end" "$df" > "$partial"
# From the build cache, which the build of hello:1 filled: nothing is compiled again.
context=$(sandbox_copy "$dir") ||
  fail "Le dossier $dir est trop gros pour être vérifié (plus de 32 Mo) : retirez-en les gros fichiers, puis vérifiez de nouveau."
builder=$(docker build -q -f "$partial" "$context" 2>/dev/null) ||
  fail "L'étape $stage du Dockerfile de $dir ne se construit pas : corrigez-la, puis reconstruisez hello:1."
rm -rf "$partial" "$context"
binary=$(docker image inspect -f '{{if .Config.Entrypoint}}{{index .Config.Entrypoint 0}}{{else}}{{index .Config.Cmd 0}}{{end}}' "$img" 2>/dev/null)
box=$(docker create "$img" 2>/dev/null) || fail "Impossible de créer un conteneur de hello:1 pour lire son binaire."
sum=$(docker cp "$box:$binary" - 2>/dev/null | tar -xO 2>/dev/null | sha256sum | cut -d ' ' -f 1)
docker rm -f "$box" >/dev/null 2>&1
evidence "hello:1 $(image_id "$img") : $binary sha256:$sum ; étape $stage ($source) : $builder"
in_image "$builder" find "$source" -type f -exec sha256sum {} + 2>/dev/null | grep -q "^$sum " ||
  fail "Le binaire $binary de hello:1 n'est pas celui que compile l'étape $stage du Dockerfile de $dir : reconstruisez l'image avec docker build -t hello:1 . dans ce dossier."
pass "Bravo : hello:1 ne pèse que $((size / 1000)) ko, sans shell, et affiche son message."
