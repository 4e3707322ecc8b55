# Anchored folder, globstar logs, comments, and the build files excluded too.
docker image rm -f mon-site:1.0 >/dev/null 2>&1 || true
dir=/root/tp-dockerfile/contexte
rm -f "$dir/.dockerignore"
cd "$dir"
cat > .dockerignore <<'IGNORE'
# never send these to the engine
/secrets
**/*.log
Dockerfile
.dockerignore
IGNORE
docker build -t mon-site:1.0 .
