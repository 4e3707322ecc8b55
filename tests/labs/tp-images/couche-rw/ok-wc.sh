# The step's command, the lines counted with wc -l.
docker rm -f essai >/dev/null 2>&1 || true
docker run --name essai debian:bookworm bash -c "echo bonjour > /etc/cours.txt && rm /etc/issue.net"
docker diff essai
docker diff essai | wc -l
