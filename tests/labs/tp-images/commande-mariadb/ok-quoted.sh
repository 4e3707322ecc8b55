# Between quotes.
docker pull -q mariadb >/dev/null
echo '"mariadbd"'
