# expect: ne montre pas A /etc/cours.txt
# essai removed, then the new container of the end of the step also named essai.
docker rm -f essai >/dev/null 2>&1 || true
docker run --name essai debian:bookworm bash -c "echo bonjour > /etc/cours.txt && rm /etc/issue.net"
docker rm essai
docker run --name essai debian:bookworm bash -c 'cat /etc/cours.txt || true'
docker diff essai | wc -l
