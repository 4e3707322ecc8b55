# Step prune: the dangling images made by the step's setup are gone, and no other remains.
# The ids the step's set-up printed, kept by the server (never a file of the sandbox).
[ -n "${STEP_STATE:-}" ] ||
  fail "Les images de démonstration de cette étape n'ont pas été préparées : rechargez la page de l'étape."
left=0
while IFS= read -r id; do
  [ -n "$id" ] && image_exists "$id" && left=$((left + 1))
done <<<"$STEP_STATE"
dangling=$(docker image ls -q --filter dangling=true 2>/dev/null | sort -u | wc -l)
evidence "images préparées encore là : $left ; images <none> : $dangling"
[ "$left" -eq 0 ] && [ "$dangling" -eq 0 ] &&
  pass "Bravo : plus aucune image <none> ne traîne sur le disque."
[ "$left" -gt 0 ] &&
  fail "Il reste $left image(s) <none> préparée(s) pour cette étape (anciennes versions de appli-demo) : supprimez les images pendantes avec docker image prune."
fail "Il reste $dangling image(s) <none> : docker image prune (si un conteneur en utilise une, supprimez d'abord ce conteneur avec docker rm)."
