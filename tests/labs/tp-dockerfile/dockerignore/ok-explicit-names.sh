# The leaked files named one by one (an empty secrets folder is left, with nothing in it).
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
printf 'secrets/cle-api.txt\nnotes.log\ndebug.log\n' > .dockerignore
docker build -t mon-site:1.0 .
