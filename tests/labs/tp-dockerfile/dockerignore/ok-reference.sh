# The reference .dockerignore: the secrets folder and the .log files.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
printf 'secrets/\n*.log\n' > .dockerignore
docker build -t mon-site:1.0 .
