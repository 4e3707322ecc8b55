# The page edited in place with sed in /root/tp-dockerfile, built with an explicit -f and the
# context's path, then web replaced.
cd /root/tp-dockerfile
docker image rm -f mon-apache:1.1 >/dev/null 2>&1 || true
docker run --rm --entrypoint cat mon-apache:1.0 /var/www/html/index.html > index.html
sed -i 's|</h1>| (nouvelle version)</h1>|' index.html
docker build -t mon-apache:1.1 -f /root/tp-dockerfile/Dockerfile /root/tp-dockerfile
docker rm -f web
docker run -d --name web -p 8080:80 mon-apache:1.1
