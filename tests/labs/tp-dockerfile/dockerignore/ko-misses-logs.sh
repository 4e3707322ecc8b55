# expect: contient un journal
# Only one of the logs named: debug.log is still copied.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
printf 'secrets/\nnotes.log\n' > .dockerignore
docker build -t mon-site:1.0 .
