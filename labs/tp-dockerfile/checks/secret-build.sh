# Step secret-build: mon-appli:secret was installed with the repository's token (the installer
# wrote /opt/appli/installe.txt), yet the token is nowhere in the image: not in its history,
# its configuration, its files, nor as a copied jeton.txt: it was mounted for the RUN only.
img=mon-appli:secret
token=ppt_bE6ngkbQP7RpQbVchRvi7CmGi1KZmm45
image_exists "$img" ||
  fail "L'image mon-appli:secret est introuvable : dans /root/tp-dockerfile/secret, construisez-la avec docker build --secret id=jeton,src=jeton.txt -t mon-appli:secret ."
# Read the installer's mark from a created (never started) container: works whatever the image
# holds, even without cat or a shell.
ctr=$(docker create --network none --log-driver none --entrypoint /verification "$img" 2>/dev/null) ||
  fail "Impossible de créer un conteneur de mon-appli:secret : reconstruisez l'image, puis relancez la vérification."
mark=$(docker cp "$ctr:/opt/appli/installe.txt" - 2>/dev/null | tar -xO 2>/dev/null)
docker rm -f "$ctr" >/dev/null 2>&1
case "$mark" in
  *"jeton valide"*) ;;
  *) fail "mon-appli:secret ne contient pas /opt/appli/installe.txt : le script installer.sh n'a pas tourné avec le bon jeton pendant la construction. Montez le secret dans le RUN (RUN --mount=type=secret,id=jeton installer.sh) et donnez-le au build (--secret id=jeton,src=jeton.txt), sans ignorer une erreur du script." ;;
esac
# The token as is, or encoded (base64, hex, reversed): an encoding hides nothing.
forms=$(secret_forms "$token")
if docker image inspect "$img" 2>/dev/null | grep -qF "$forms"; then
  fail "Le jeton se lit dans la configuration de l'image (docker image inspect mon-appli:secret : ENV, LABEL, CMD…) : tout conteneur et quiconque récupère l'image le verraient. Retirez-le du Dockerfile et montez-le comme secret le temps du RUN : RUN --mount=type=secret,id=jeton installer.sh."
fi
if docker history --no-trunc --format '{{.CreatedBy}}' "$img" 2>/dev/null | grep -qF "$forms"; then
  fail "Le jeton se lit dans l'historique de l'image (docker history --no-trunc mon-appli:secret) : les instructions du Dockerfile y restent écrites, avec les valeurs données par --build-arg. Supprimez l'ARG JETON et montez le jeton comme secret : RUN --mount=type=secret,id=jeton installer.sh, puis docker build --secret id=jeton,src=jeton.txt ..."
fi
files=$(image_layer_files "$img") ||
  fail "Les couches de mon-appli:secret sont illisibles (docker save a échoué) : reconstruisez l'image, puis relancez la vérification."
if printf '%s\n' "$files" | awk -F '\t' '$2 ~ /(^|\/)jeton\.txt$/ { found = 1 } END { exit !found }'; then
  fail "Une couche de l'image contient un fichier jeton.txt : un fichier copié dans l'image reste dans la couche de son COPY, même effacé ensuite par un RUN rm. Ne copiez pas jeton.txt : montez-le comme secret le temps du RUN, RUN --mount=type=secret,id=jeton installer.sh."
fi
# Every file of every layer (and the image's configs), decompressed when they are gzipped.
if docker save "$img" 2>/dev/null | tar -x --to-command='gzip -dcf 2>/dev/null; true' 2>/dev/null | grep -aqF "$forms"; then
  fail "Le jeton est écrit dans un fichier d'une couche de l'image (tel quel ou encodé, en base64 par exemple : un encodage ne cache rien) : ne le recopiez nulle part dans l'image, lisez-le seulement là où le secret est monté (/run/secrets/jeton), le temps du RUN."
fi
pass "Bravo : mon-appli:secret a été installée avec le jeton, et celui-ci n'apparaît ni dans l'historique, ni dans la configuration, ni dans les couches de l'image."
