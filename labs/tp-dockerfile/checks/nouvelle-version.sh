# Step nouvelle-version: mon-apache:1.1 has a new page, reused the Apache layer of 1.0 from the
# build cache, and container web now serves it on localhost:8080.
image_exists mon-apache:1.0 ||
  fail "L'image mon-apache:1.0 a disparu : elle sert de point de comparaison, reconstruisez-la (première étape)."
image_exists mon-apache:1.1 ||
  fail "L'image mon-apache:1.1 est introuvable : modifiez index.html puis lancez docker build -t mon-apache:1.1 . dans /root/tp-dockerfile."
old=$(image_read mon-apache:1.0 /var/www/html/index.html)
new=$(image_read mon-apache:1.1 /var/www/html/index.html) ||
  fail "mon-apache:1.1 ne contient pas de page /var/www/html/index.html : gardez le COPY index.html du Dockerfile."
[ "$old" != "$new" ] ||
  fail "La page de mon-apache:1.1 est identique à celle de mon-apache:1.0 : modifiez index.html (par exemple Version 1.1), puis reconstruisez."
# The Apache layer of 1.1 must come from the build cache: the same layer (diff id) is in
# mon-apache:1.0 or in another image of an earlier build, which a rerun of the RUN never gives
# (apt writes dated logs).
if layer=$(image_file_layer mon-apache:1.1 /usr/sbin/apache2); then
  apache_layer=$(image_diff_ids mon-apache:1.1 | sed -n "${layer}p")
  own=$(image_id mon-apache:1.1)
  others=$(docker image ls -aq --no-trunc 2>/dev/null | sort -u | grep -vxF "$own")
  # shellcheck disable=SC2086 # one argument per image id
  [ -n "$others" ] && docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' $others 2>/dev/null |
    grep -qxF "$apache_layer" ||
    fail "Le RUN d'installation d'Apache a été refait au lieu d'être repris du cache : placez COPY index.html après le RUN, sans changer les lignes au-dessus, et n'utilisez pas --no-cache (si vous l'aviez utilisé : docker rm -f web, docker image rm mon-apache:1.1, puis reconstruisez)."
fi
container_running web ||
  fail "Le conteneur web ne tourne pas : docker rm -f web, puis docker run -d --name web -p 8080:80 mon-apache:1.1"
[ "$(container_image_id web)" = "$(image_id mon-apache:1.1)" ] ||
  fail "Le conteneur web tourne toujours avec l'ancienne image : remplacez-le (docker rm -f web, puis docker run -d --name web -p 8080:80 mon-apache:1.1)."
page=$(http_get_retry http://localhost:8080/ 30) ||
  fail "Rien ne répond sur localhost:8080 : le port est-il publié (-p 8080:80) ? Regardez docker logs web."
[ "$page" = "$new" ] ||
  fail "localhost:8080 ne sert pas la nouvelle page : vérifiez que web est lancé avec -p 8080:80 à partir de mon-apache:1.1."
pass "Bravo : mon-apache:1.1 a réutilisé la couche d'Apache depuis le cache, et web sert la nouvelle page."
