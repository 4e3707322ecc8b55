# adduser instead of useradd, user switched to before the COPY.
docker image rm -f mon-app:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/app/app.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN adduser --disabled-password --gecos "" developpeur
USER developpeur
WORKDIR /home/developpeur
COPY app.sh .
CMD ["./app.sh"]
DOCKERFILE
docker build -t mon-app:1.0 .
