# expect: arrêté
# The container is stopped.
docker rm -f web >/dev/null 2>&1 || true
docker run -d --name web -p 8080:80 mon-apache:1.0
docker stop -t 1 web
