# expect: construite avant
# The .dockerignore written after the build, and the image not rebuilt.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
docker build -t mon-site:1.0 .
printf 'secrets/\n*.log\n' > .dockerignore
