# expect: Aucun registre ne répond
# No registry running.
docker rm -f registre >/dev/null 2>&1 || true
