# expect: cache
# The page is copied before the RUN: every change of the page reinstalls Apache.
# A build context with the Dockerfile of step 1 and the page of mon-apache:1.0.
ctx=$(mktemp -d)
cp /root/tp-dockerfile/Dockerfile /root/tp-dockerfile/start.sh "$ctx"/
docker run --rm --entrypoint cat mon-apache:1.0 /var/www/html/index.html > "$ctx/index.html"
docker image rm -f mon-apache:1.1 >/dev/null 2>&1 || true
cd "$ctx"
sed -i 's/Version 1.0/Version 1.1/' index.html
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
COPY index.html /var/www/html/index.html
RUN apt-get update \
    && apt-get install -y --no-install-recommends apache2 \
    && rm -rf /var/lib/apt/lists/*
COPY start.sh /start.sh
EXPOSE 80
ENTRYPOINT ["/start.sh"]
DOCKERFILE
docker build -t mon-apache:1.1 .
docker rm -f web
docker run -d --name web -p 8080:80 mon-apache:1.1
