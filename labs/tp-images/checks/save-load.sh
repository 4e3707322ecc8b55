# Step save-load: /root/debian-formation.tar is an image archive holding debian-formation:v1,
# the image was removed after the archive was written, then loaded back from it.
tar=$SANDBOX_ROOT/root/debian-formation.tar
[ -f "$tar" ] ||
  fail "Le fichier /root/debian-formation.tar n'existe pas : exportez l'image avec docker save -o /root/debian-formation.tar debian-formation:v1."
manifest=$(tar -xOf "$tar" manifest.json 2>/dev/null) ||
  fail "/root/debian-formation.tar n'est pas une archive d'image Docker : recréez-la avec docker save -o /root/debian-formation.tar debian-formation:v1."
printf '%s' "$manifest" | jq -e 'map(.RepoTags // []) | add | index("debian-formation:v1")' >/dev/null 2>&1 ||
  fail "L'archive ne contient pas le tag debian-formation:v1 : donnez ce nom à docker save (docker save -o /root/debian-formation.tar debian-formation:v1)."
image_exists debian-formation:v1 ||
  fail "L'image debian-formation:v1 n'est pas (encore) rechargée : docker load -i /root/debian-formation.tar."
# The image config digest in the archive is the image id ("<hex>.json" or "blobs/sha256/<hex>").
config=$(printf '%s' "$manifest" | jq -r '[.[] | select((.RepoTags // []) | index("debian-formation:v1"))][0].Config')
id=$(image_id debian-formation:v1)
case "$config" in
  *"${id#sha256:}"*) ;;
  *) fail "L'image debian-formation:v1 actuelle n'est pas celle de l'archive : rechargez-la avec docker load -i /root/debian-formation.tar." ;;
esac
# Proof of the round trip, from the engine's recent events: removed, then loaded, after the save.
since=$(stat -c %Y "$tar")
events=$(timeout 5 docker events --since "$since" --until "$(date +%s.%N)" --filter type=image \
  --format '{{.Action}}' 2>/dev/null | tr '\n' ' ')
case " $events" in
  *" delete "*"load "*) ;;
  *" load "*) fail "L'image a été rechargée sans avoir été supprimée (un autre tag la désignait peut-être encore : voyez docker image ls) : supprimez tous ses tags, par exemple docker image rm debian-formation:v1 localhost:5000/debian-formation:1.0.0, vérifiez, puis docker load -i /root/debian-formation.tar." ;;
  *" delete "*) fail "L'image a été supprimée mais pas rechargée : docker load -i /root/debian-formation.tar." ;;
  *) fail "L'archive est prête : supprimez maintenant l'image (docker image rm debian-formation:v1 localhost:5000/debian-formation:1.0.0), puis rechargez-la avec docker load -i /root/debian-formation.tar." ;;
esac
pass "Bravo : l'image a fait l'aller-retour par l'archive /root/debian-formation.tar, avec le même identifiant."
