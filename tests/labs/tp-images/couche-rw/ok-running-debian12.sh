# A container left running, made from debian:12 (the same image as debian:bookworm), changed
# through docker exec as from an interactive shell, the file only created: its own count.
docker rm -f essai >/dev/null 2>&1 || true
docker pull -q debian:12 >/dev/null
docker run -d --name essai debian:12 sleep infinity
docker exec essai sh -c 'echo bonjour > /etc/cours.txt && mkdir -p /root/notes && echo test > /root/notes/a.txt'
echo "$(docker diff essai | wc -l) lignes"
