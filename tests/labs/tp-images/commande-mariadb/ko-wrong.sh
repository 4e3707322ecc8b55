# expect: Ce n'est pas la commande par défaut
# An old name of the server.
docker pull -q mariadb >/dev/null
echo mysqld
