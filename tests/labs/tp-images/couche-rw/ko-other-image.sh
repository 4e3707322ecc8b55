# expect: n'a pas été créé à partir de debian:bookworm
# The container made from debian:bookworm-slim.
docker rm -f essai >/dev/null 2>&1 || true
docker run --name essai debian:bookworm-slim bash -c "echo bonjour > /etc/cours.txt && rm /etc/issue.net"
docker diff essai | wc -l
