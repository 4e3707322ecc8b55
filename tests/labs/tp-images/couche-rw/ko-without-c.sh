# expect: comptez aussi les lignes qui commencent par C
# Only the A and D lines counted.
docker rm -f essai >/dev/null 2>&1 || true
docker run --name essai debian:bookworm bash -c "echo bonjour > /etc/cours.txt && rm /etc/issue.net"
docker diff essai | grep -vc '^C '
