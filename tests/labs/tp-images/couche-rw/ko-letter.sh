# expect: Répondez par un nombre
# The letter in front of /etc/issue.net instead of the number of lines.
docker rm -f essai >/dev/null 2>&1 || true
docker run --name essai debian:bookworm bash -c "echo bonjour > /etc/cours.txt && rm /etc/issue.net"
echo D
