# The token is written in an ENV of the Dockerfile: it is in every container's environment.
# expect: dans la configuration
docker image rm -f mon-appli:secret >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/secret/installer.sh /root/tp-dockerfile/secret/jeton.txt "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
ENV JETON=ppt_bE6ngkbQP7RpQbVchRvi7CmGi1KZmm45
COPY installer.sh /usr/local/bin/installer.sh
RUN installer.sh
CMD ["cat", "/opt/appli/installe.txt"]
DOCKERFILE
docker build -t mon-appli:secret .
