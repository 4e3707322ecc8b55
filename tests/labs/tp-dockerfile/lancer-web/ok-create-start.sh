# docker create, then docker start.
docker rm -f web >/dev/null 2>&1 || true
docker create --name web -p 8080:80 mon-apache:1.0
docker start web
