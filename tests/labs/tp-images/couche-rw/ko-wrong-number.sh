# expect: Ce n'est pas le bon nombre
# One line too many.
docker rm -f essai >/dev/null 2>&1 || true
docker run --name essai debian:bookworm bash -c "echo bonjour > /etc/cours.txt && rm /etc/issue.net"
echo $(($(docker diff essai | wc -l) + 1))
