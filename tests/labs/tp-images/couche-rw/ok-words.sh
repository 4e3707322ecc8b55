# The answer written in letters, with the word "lignes" and a capital.
docker rm -f essai >/dev/null 2>&1 || true
docker run --name essai debian:bookworm bash -c "echo bonjour > /etc/cours.txt && rm /etc/issue.net"
case "$(docker diff essai | wc -l)" in
  2) echo "Deux lignes" ;; 3) echo "Trois lignes" ;; 4) echo "Quatre lignes" ;; *) docker diff essai | wc -l ;;
esac
