# expect: C'est trop
# A number in letters, far too large.
docker pull -q mariadb >/dev/null
echo "quatre-vingt-dix-neuf"
