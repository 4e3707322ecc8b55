# expect: exclut trop
# Everything excluded but index.html: the style sheet is lost too.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
printf '*\n!index.html\n' > .dockerignore
docker build -t mon-site:1.0 .
