# curl --fail --silent in shell form, the Dockerfile kept in /root/tp-dockerfile/Dockerfile.sante
# as the step says, built with -f.
docker image rm -f mon-apache:sante >/dev/null 2>&1 || true
docker rm -f web-sante >/dev/null 2>&1 || true
cd /root/tp-dockerfile
cat > Dockerfile.sante <<'DOCKERFILE'
FROM mon-apache:1.1
RUN apt-get update \
 && apt-get install -y curl \
 && rm -rf /var/lib/apt/lists/*
HEALTHCHECK --interval=3s CMD curl --fail --silent http://localhost/ > /dev/null || exit 1
DOCKERFILE
docker build -t mon-apache:sante -f Dockerfile.sante .
docker run -d --name web-sante -p 8082:80 mon-apache:sante
