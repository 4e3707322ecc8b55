# Step registre: a registry answers on localhost:5000 and serves debian-formation:v1 (by digest)
# as debian-formation:1.0.0.
http_get http://localhost:5000/v2/ >/dev/null ||
  fail "Aucun registre ne répond sur localhost:5000 : lancez-le avec docker run -d --name registre -p 5000:5000 registry:2."
tags=$(http_get http://localhost:5000/v2/debian-formation/tags/list) ||
  fail "Le registre ne connaît pas encore debian-formation : taguez l'image (docker tag debian-formation:v1 localhost:5000/debian-formation:1.0.0) puis poussez-la (docker push localhost:5000/debian-formation:1.0.0)."
printf '%s' "$tags" | jq -e '.tags // [] | index("1.0.0")' >/dev/null 2>&1 ||
  fail "Le registre contient debian-formation, mais pas le tag 1.0.0 : poussez localhost:5000/debian-formation:1.0.0."
# The very image of the commit step, by digest: another image pushed under the name is not it.
id=$(image_id debian-formation:v1)
[ -n "$id" ] ||
  fail "L'image debian-formation:v1 est introuvable : refaites l'étape docker commit, puis taguez-la et poussez-la."
pushed=$(registry_config_digest http://localhost:5000 debian-formation 1.0.0)
evidence "localhost:5000/debian-formation:1.0.0 : config ${pushed:-illisible} ; debian-formation:v1 : $id"
[ "$pushed" = "$id" ] ||
  fail "Le registre sert sous debian-formation:1.0.0 une autre image que debian-formation:v1 : taguez debian-formation:v1 (docker tag debian-formation:v1 localhost:5000/debian-formation:1.0.0) puis poussez-la de nouveau."
pass "Bravo : votre registre sert debian-formation:1.0.0, l'image debian-formation:v1 de l'étape précédente."
