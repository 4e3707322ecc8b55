# expect: créez le fichier /root/tp-dockerfile/contexte/.dockerignore
# The Dockerfile as given, no .dockerignore: the key is copied.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
docker build -t mon-site:1.0 .
