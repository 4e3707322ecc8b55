# expect: 8080
# Published on 8081.
docker rm -f web >/dev/null 2>&1 || true
docker run -d --name web -p 8081:80 mon-apache:1.0
