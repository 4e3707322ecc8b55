# expect: C'est trop
# Every line of docker history counted.
docker pull -q mariadb >/dev/null
docker history -q mariadb | wc -l
