# Upper case, with a "CMD :" label and spaces.
docker pull -q mariadb >/dev/null
echo '  CMD : MARIADBD  '
