# expect: Répondez par un nombre
# A word instead of a number.
docker pull -q mariadb >/dev/null
echo beaucoup
