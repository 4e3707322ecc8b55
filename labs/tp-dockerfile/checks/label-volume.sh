# Step label-volume: mon-journal:1.0 carries the OCI labels title (any) and version (1.0) and
# declares VOLUME /donnees, and the named volume journal keeps a journal.txt of 2 lines or more,
# written by successive containers.
img=mon-journal:1.0
image_exists "$img" ||
  fail "L'image mon-journal:1.0 est introuvable : dans /root/tp-dockerfile/journal, construisez-la avec docker build -t mon-journal:1.0 ."
labels=$(docker image inspect -f '{{json .Config.Labels}}' "$img" 2>/dev/null)
label() { printf '%s' "$labels" | jq -r --arg k "$1" '(. // {})[$k] // empty' 2>/dev/null; }
title=$(label org.opencontainers.image.title)
[ -n "$title" ] ||
  fail "mon-journal:1.0 n'a pas de label org.opencontainers.image.title : ajoutez au Dockerfile LABEL org.opencontainers.image.title=\"Mon journal\", puis reconstruisez (un label donné par docker run --label ne marque que le conteneur, pas l'image)."
version=$(label org.opencontainers.image.version)
[ -n "$version" ] ||
  fail "mon-journal:1.0 n'a pas de label org.opencontainers.image.version : ajoutez au Dockerfile LABEL org.opencontainers.image.version=\"1.0\", puis reconstruisez (un label donné par docker run --label ne marque que le conteneur, pas l'image)."
[ "$version" = 1.0 ] ||
  fail "Le label org.opencontainers.image.version de mon-journal:1.0 vaut « $version » au lieu de 1.0 : corrigez-le dans le Dockerfile (org.opencontainers.image.version=\"1.0\"), puis reconstruisez."
docker image inspect -f '{{json .Config.Volumes}}' "$img" 2>/dev/null |
  jq -e '(. // {}) | keys | map(sub("/+$"; "")) | index("/donnees") != null' >/dev/null 2>&1 ||
  fail "mon-journal:1.0 ne déclare pas de volume /donnees : ajoutez VOLUME /donnees au Dockerfile, puis reconstruisez."
docker volume inspect journal >/dev/null 2>&1 ||
  fail "Aucun volume nommé journal : lancez docker run --rm -v journal:/donnees mon-journal:1.0 (deux fois). Sans -v journal:/donnees, chaque conteneur reçoit un volume anonyme neuf."
# Read the volume from a throwaway container of a Debian image (the base is not kept by BuildKit).
reader=
for candidate in debian:bookworm-slim debian:bookworm; do
  image_exists "$candidate" && { reader=$candidate; break; }
done
if [ -z "$reader" ]; then
  docker pull -q debian:bookworm-slim >/dev/null 2>&1 && reader=debian:bookworm-slim
fi
[ -n "$reader" ] ||
  fail "Impossible de lire le volume journal : l'image debian:bookworm-slim ne se télécharge pas. Lancez docker pull debian:bookworm-slim, puis vérifiez de nouveau."
content=$(docker run --rm --network none --log-driver none -v journal:/v:ro "$reader" cat /v/journal.txt 2>/dev/null) ||
  fail "Le volume journal ne contient pas de fichier journal.txt : lancez docker run --rm -v journal:/donnees mon-journal:1.0 (sa commande écrit dans /donnees/journal.txt)."
lines=$(printf '%s\n' "$content" | grep -c '[^[:space:]]')
[ "$lines" -gt 0 ] ||
  fail "Le fichier journal.txt du volume journal est vide : lancez deux fois docker run --rm -v journal:/donnees mon-journal:1.0 (sa commande ajoute une ligne à /donnees/journal.txt)."
[ "$lines" -ge 2 ] ||
  fail "Le fichier journal.txt du volume journal ne contient qu'une ligne : relancez docker run --rm -v journal:/donnees mon-journal:1.0 ; la ligne du premier conteneur, pourtant supprimé, doit y être restée."
# Who wrote into the volume, from the engine's events since it was made: every container that
# mounted it read-write must be one of mon-journal:1.0 (lines written by any other container
# prove nothing of the image). The engine keeps its last 256 events: when they no longer go back
# far enough, one more run of the image is asked for.
since=$(docker volume inspect -f '{{.CreatedAt}}' journal 2>/dev/null)
now=$(date +%s.%N)
writers=$(timeout 5 docker events --since "$since" --until "$now" --filter type=volume --filter volume=journal \
  --filter event=mount --format '{{index .Actor.Attributes "container"}} {{index .Actor.Attributes "read/write"}}' 2>/dev/null |
  awk '$2 != "false" { print $1 }' | sort -u)
# A container given the volume on its command line is created just before the volume is.
created=$(timeout 5 docker events --since "$(($(date -d "$since" +%s 2>/dev/null || echo 10) - 10))" --until "$now" \
  --filter type=container --filter event=create \
  --format '{{.Actor.ID}} {{index .Actor.Attributes "image"}}' 2>/dev/null)
own=$(image_id "$img")
ours=0
for container in $writers; do
  from=$(printf '%s\n' "$created" | awk -v id="$container" '$1 == id { print $2; exit }')
  [ -n "$from" ] || continue
  if [ "$(image_id "$from")" = "$own" ] || [ "$from" = "$own" ]; then
    ours=$((ours + 1))
  else
    fail "Le volume journal a aussi été écrit par un conteneur d'une autre image ($from) : ses lignes ne prouvent rien sur mon-journal:1.0. Repartez d'un volume neuf (docker volume rm journal), puis lancez deux fois docker run --rm -v journal:/donnees mon-journal:1.0."
  fi
done
evidence "volume journal créé $since ; écrit par $ours conteneur(s) de mon-journal:1.0 ($own)"
[ "$ours" -gt 0 ] ||
  fail "Aucun conteneur de mon-journal:1.0 n'a écrit récemment dans le volume journal : lancez encore une fois docker run --rm -v journal:/donnees mon-journal:1.0, puis vérifiez de nouveau."
pass "Bravo : mon-journal:1.0 porte ses labels (« $title », version 1.0), déclare le volume /donnees, et le volume journal a gardé les $lines lignes de vos conteneurs successifs."
