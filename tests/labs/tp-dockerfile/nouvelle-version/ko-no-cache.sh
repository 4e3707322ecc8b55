# expect: cache
# Rebuilt with --no-cache: the Apache layer is made again. (Its RUN line is made slightly
# different, so that later builds of other variants do not pick this new layer from the cache.)
# A build context with the Dockerfile of step 1 and the page of mon-apache:1.0.
ctx=$(mktemp -d)
cp /root/tp-dockerfile/Dockerfile /root/tp-dockerfile/start.sh "$ctx"/
docker run --rm --entrypoint cat mon-apache:1.0 /var/www/html/index.html > "$ctx/index.html"
docker image rm -f mon-apache:1.1 >/dev/null 2>&1 || true
cd "$ctx"
sed -i 's/Version 1.0/Version 1.1/' index.html
sed -i 's/apt-get update/apt-get -q update/' Dockerfile
docker build --no-cache -t mon-apache:1.1 .
docker rm -f web
docker run -d --name web -p 8080:80 mon-apache:1.1
