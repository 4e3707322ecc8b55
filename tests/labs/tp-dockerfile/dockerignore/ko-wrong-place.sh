# expect: créez le fichier /root/tp-dockerfile/contexte/.dockerignore
# The .dockerignore written in the parent folder, outside the build context.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
printf 'secrets/\n*.log\n' > /root/tp-dockerfile/.dockerignore
docker build -t mon-site:1.0 .
rm -f /root/tp-dockerfile/.dockerignore
