# Step couches-apache (question): how many layers mon-apache:1.0 adds above its Debian base,
# counted from the student's own image.
require_answer
img=mon-apache:1.0
image_exists "$img" ||
  fail "L'image mon-apache:1.0 est introuvable : reconstruisez-la (première étape), puis comptez ses couches."
base=$(image_based_on "$img" debian:bookworm debian:bookworm-slim debian:trixie debian:trixie-slim) ||
  fail "mon-apache:1.0 ne part pas d'une image Debian du cours : reconstruisez-la à partir de debian:bookworm (première étape)."
total=$(image_layers "$img")
expected=$((total - $(image_layers "$base")))
# In digits or in words: "3", "3 nouvelles couches", "trois".
answer=$(answer_number "$ANSWER" '(nouvelles? )?(couches?|layers?)( ajoutées?)?') ||
  fail "Répondez par un nombre : combien de couches mon-apache:1.0 a-t-elle de plus que $base ?"
[ "$answer" -eq "$expected" ] &&
  pass "Exact : votre Dockerfile a ajouté $expected couches à $base (une par RUN, COPY ou ADD) ; EXPOSE et ENTRYPOINT ne changent que les métadonnées."
[ "$answer" -eq "$total" ] &&
  fail "C'est le nombre total de couches de mon-apache:1.0 : retirez celles de son image de base, $base."
[ "$answer" -gt "$expected" ] &&
  fail "C'est trop : toutes les instructions ne font pas une couche. Lesquelles changent des fichiers de l'image ?"
fail "C'est trop peu : chaque RUN, COPY ou ADD produit sa propre couche, même dans un Dockerfile court."
