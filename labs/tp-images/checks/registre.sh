# Step registre: a registry answers on localhost:5000 and lists debian-formation:1.0.0.
http_get http://localhost:5000/v2/ >/dev/null ||
  fail "Aucun registre ne répond sur localhost:5000 : lancez-le avec docker run -d --name registre -p 5000:5000 registry:2."
tags=$(http_get http://localhost:5000/v2/debian-formation/tags/list) ||
  fail "Le registre ne connaît pas encore debian-formation : taguez l'image (docker tag debian-formation:v1 localhost:5000/debian-formation:1.0.0) puis poussez-la (docker push localhost:5000/debian-formation:1.0.0)."
printf '%s' "$tags" | jq -e '.tags // [] | index("1.0.0")' >/dev/null 2>&1 ||
  fail "Le registre contient debian-formation, mais pas le tag 1.0.0 : poussez localhost:5000/debian-formation:1.0.0."
pass "Bravo : votre registre sert debian-formation:1.0.0."
