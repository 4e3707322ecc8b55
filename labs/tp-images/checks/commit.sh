# Step commit: debian-formation:v1 = debian:bookworm + exactly one layer, holding curl.
img=debian-formation:v1
image_exists "$img" ||
  fail "L'image debian-formation:v1 est introuvable : après avoir installé curl dans ma-debian, lancez docker commit ma-debian debian-formation:v1."
image_exists debian:bookworm ||
  fail "L'image debian:bookworm a disparu : récupérez-la avec docker pull debian:bookworm, c'est la base de comparaison."
image_based_on "$img" debian:bookworm >/dev/null ||
  fail "debian-formation:v1 ne part pas de debian:bookworm : lancez le conteneur ma-debian à partir de debian:bookworm."
base_layers=$(image_layers debian:bookworm)
layers=$(image_layers "$img")
added=$((layers - base_layers))
[ "$added" -ge 1 ] ||
  fail "debian-formation:v1 n'ajoute aucune couche à debian:bookworm : faites le commit du conteneur ma-debian après y avoir installé curl."
[ "$added" -eq 1 ] ||
  fail "debian-formation:v1 ajoute $added couches à debian:bookworm au lieu d'une : supprimez-la (docker image rm debian-formation:v1) et faites un seul docker commit de ma-debian."
image_has_executable "$img" /usr/bin/curl ||
  fail "curl n'est pas installé dans debian-formation:v1 : installez-le dans ma-debian (apt-get update && apt-get install -y curl), puis refaites le commit."
# Installed means it runs: a file named curl, or curl without its libraries, does not.
image_tool_runs "$img" /usr/bin/curl '^curl [0-9]' ||
  fail "/usr/bin/curl est là mais ne fonctionne pas dans debian-formation:v1 (copié sans ses bibliothèques, ou ce n'est pas curl) : installez-le avec apt-get install -y curl dans ma-debian, puis refaites le commit."
pass "Bravo : debian-formation:v1 contient curl, dans une unique couche ajoutée au-dessus de debian:bookworm."
