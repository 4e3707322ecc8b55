# expect: Le conteneur essai n'existe pas
# The container removed before answering.
docker rm -f essai >/dev/null 2>&1 || true
docker run --name essai debian:bookworm bash -c "echo bonjour > /etc/cours.txt && rm /etc/issue.net"
n=$(docker diff essai | wc -l)
docker rm essai
echo "$n"
