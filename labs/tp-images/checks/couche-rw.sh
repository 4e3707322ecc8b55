# Step couche-rw (question): the number of lines docker diff prints for the container essai,
# made from debian:bookworm, whose read/write layer added /etc/cours.txt; read from the sandbox.
require_answer
container_exists essai ||
  fail "Le conteneur essai n'existe pas (ou plus) : recréez-le avec docker run --name essai debian:bookworm bash -c \"echo bonjour > /etc/cours.txt && rm /etc/issue.net\", puis répondez avant de le supprimer."
bookworm=$(image_id debian:bookworm)
if [ -z "$bookworm" ] || [ "$(container_image_id essai)" != "$bookworm" ]; then
  fail "Le conteneur essai n'a pas été créé à partir de debian:bookworm (il vient de $(docker container inspect -f '{{.Config.Image}}' essai 2>/dev/null)) : supprimez-le (docker rm -f essai) et recréez-le à partir de debian:bookworm."
fi
diff=$(docker diff essai 2>/dev/null | sed '/^[[:space:]]*$/d')
printf '%s\n' "$diff" | grep -qx 'A /etc/cours.txt' ||
  fail "docker diff essai ne montre pas A /etc/cours.txt : ce conteneur n'a pas écrit le fichier (est-ce le nouveau conteneur de la fin de l'étape ?). Supprimez-le (docker rm -f essai), recréez-le avec la commande de l'étape, puis répondez avant de le supprimer."
expected=$(printf '%s\n' "$diff" | wc -l)
# "3", "3 lignes", "trois", "Trois lignes." are all fine.
answer=$(answer_number "$ANSWER" 'lignes?|lines?') ||
  fail "Répondez par un nombre : combien de lignes docker diff essai affiche-t-il ?"
[ "$answer" -eq "$expected" ] &&
  pass "Exact : docker diff essai affiche $expected lignes, les changements de sa couche en r/w (dont A /etc/cours.txt). Pour finir l'étape, supprimez essai, puis vérifiez qu'un nouveau conteneur ne trouve pas /etc/cours.txt."
changed=$(printf '%s\n' "$diff" | grep -c '^C ')
if [ "$changed" -gt 0 ] && [ "$answer" -eq "$((expected - changed))" ]; then
  fail "Presque : comptez aussi les lignes qui commencent par C (les dossiers modifiés). Relancez docker diff essai."
fi
fail "Ce n'est pas le bon nombre : relancez docker diff essai et comptez toutes ses lignes (chacune commence par A, C ou D)."
