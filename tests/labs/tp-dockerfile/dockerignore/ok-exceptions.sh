# Everything excluded, then the site's files let back in with ! exceptions.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
printf '*\n!index.html\n!style.css\n' > .dockerignore
docker build -t mon-site:1.0 .
