# Step cowsay: ENTRYPOINT runs cowsay, CMD gives "hello", and docker run arguments replace CMD.
image_exists cowsay ||
  fail "L'image cowsay est introuvable : dans /root/tp-dockerfile/cowsay, construisez-la avec docker build -t cowsay ."
entrypoint=$(image_entrypoint cowsay)
case "$entrypoint" in
  null | '[]') fail "L'image n'a pas d'ENTRYPOINT : la commande de base doit être fixée par ENTRYPOINT [\"/usr/games/cowsay\"], et CMD [\"hello\"] ne donner que le paramètre par défaut." ;;
  '["/bin/sh","-c"'*) fail "L'ENTRYPOINT est en forme shell (/bin/sh -c ...), qui ignore CMD et les paramètres de docker run : écrivez ENTRYPOINT [\"/usr/games/cowsay\"]." ;;
  *cowsay*) ;;
  *) fail "L'ENTRYPOINT de l'image ($entrypoint) ne lance pas cowsay : ENTRYPOINT [\"/usr/games/cowsay\"]." ;;
esac
out=$(image_run cowsay)
case "$out" in
  *hello*) ;;
  *) fail "docker run --rm cowsay n'affiche pas hello : ajoutez CMD [\"hello\"] en forme exec. Sortie obtenue : $(printf '%s' "$out" | tr -s '[:space:]' ' ' | cut -c1-120)" ;;
esac
# The cow speaks: cowsay puts a one-line message in a bubble, « < hello > », whatever the cow.
case "$out" in
  *"< hello >"*) ;;
  *) fail "docker run --rm cowsay affiche hello, mais ce n'est pas cowsay qui parle (pas de bulle « < hello > ») : l'ENTRYPOINT doit lancer le programme cowsay lui-même, ENTRYPOINT [\"/usr/games/cowsay\"]. Sortie obtenue : $(printf '%s' "$out" | tr -s '[:space:]' ' ' | cut -c1-120)" ;;
esac
out=$(image_run cowsay Bonjour)
case "$out" in
  *Bonjour*) ;;
  *) fail "docker run --rm cowsay Bonjour n'affiche pas Bonjour : les paramètres de docker run doivent remplacer CMD, pas la commande de base (ENTRYPOINT)." ;;
esac
case "$out" in
  *hello*) fail "docker run --rm cowsay Bonjour affiche encore hello : hello doit venir de CMD, pas de l'ENTRYPOINT." ;;
esac
case "$out" in
  *"< Bonjour >"*) ;;
  *) fail "docker run --rm cowsay Bonjour affiche Bonjour, mais pas dans la bulle de cowsay : l'ENTRYPOINT doit lancer cowsay, ENTRYPOINT [\"/usr/games/cowsay\"]." ;;
esac
pass "Bravo : cowsay dit hello par défaut, et ce que vous lui donnez après docker run cowsay."
