# expect: C'est trop
# Every line of docker history counted.
docker history -q mariadb | wc -l
