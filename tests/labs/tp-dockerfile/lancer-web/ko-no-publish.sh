# expect: 8080
# -p forgotten: EXPOSE alone does not publish.
docker rm -f web >/dev/null 2>&1 || true
docker run -d --name web mon-apache:1.0
