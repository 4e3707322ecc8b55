# A user with a chosen uid, named by number with its group; ENTRYPOINT.
docker image rm -f mon-app:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/app/app.sh "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
RUN groupadd --gid 1500 equipe && useradd --uid 1500 --gid equipe --no-create-home service
COPY app.sh /app/app.sh
USER 1500:1500
ENTRYPOINT ["/app/app.sh"]
DOCKERFILE
docker build -t mon-app:1.0 .
