# expect: mon-apache:1.0
# A container named web, but from another image.
docker rm -f web >/dev/null 2>&1 || true
docker run -d --name web -p 8080:80 debian:bookworm sleep infinity
