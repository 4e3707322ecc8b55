# bookworm-slim base, apt instead of apt-get, CMD instead of ENTRYPOINT, EXPOSE 80/tcp.
docker image rm -f mon-apache:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/index.html /root/tp-dockerfile/start.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt update && apt install -y apache2 && apt clean && rm -rf /var/lib/apt/lists/*
COPY index.html /var/www/html/
COPY start.sh /
EXPOSE 80/tcp
CMD ["/start.sh"]
DOCKERFILE
docker build -t mon-apache:1.0 .
