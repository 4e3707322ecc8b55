# Step lancer-web: container web runs mon-apache:1.0 and serves the page on localhost:8080.
container_exists web ||
  fail "Aucun conteneur nommé web : lancez docker run -d --name web -p 8080:80 mon-apache:1.0"
container_running web ||
  fail "Le conteneur web existe mais est arrêté : lisez docker logs web, puis docker rm -f web et relancez-le."
image_exists mon-apache:1.0 ||
  fail "L'image mon-apache:1.0 a disparu : reconstruisez-la (étape précédente)."
[ "$(container_image_id web)" = "$(image_id mon-apache:1.0)" ] ||
  fail "Le conteneur web n'a pas été créé à partir de mon-apache:1.0 : docker rm -f web, puis docker run -d --name web -p 8080:80 mon-apache:1.0"
docker port web 80/tcp 2>/dev/null | grep -q ':8080$' ||
  fail "Le port 80 de web n'est pas publié sur le port 8080 : docker rm -f web, puis relancez-le avec -p 8080:80."
page=$(http_get_retry http://localhost:8080/ 30) ||
  fail "Rien ne répond sur localhost:8080 : Apache a-t-il démarré ? Regardez docker logs web."
case "$page" in
  *tp-dockerfile*) pass "Bravo : le conteneur web sert votre page sur http://localhost:8080." ;;
esac
fail "localhost:8080 répond, mais pas avec la page du TP : vérifiez le COPY de index.html dans le Dockerfile."
