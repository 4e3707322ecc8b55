# The port published on every address explicitly, by image id.
docker rm -f web >/dev/null 2>&1 || true
docker run -d --name web -p 0.0.0.0:8080:80 "$(docker image inspect -f '{{.Id}}' mon-apache:1.0)"
