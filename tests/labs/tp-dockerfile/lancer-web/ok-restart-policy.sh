# Long options and a restart policy.
docker rm -f web >/dev/null 2>&1 || true
docker run --detach --restart unless-stopped --name=web --publish 8080:80 mon-apache:1.0
