# A right image, but the container is started with --user 0.
# expect: lancé avec un autre utilisateur
docker rm -f defi >/dev/null 2>&1 || true
docker image rm -f defi:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/defi/main.go "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19 AS builder
WORKDIR /src
COPY main.go .
RUN CGO_ENABLED=0 go build -ldflags '-s -w' -o serveur main.go

FROM scratch
COPY --from=builder /src/serveur /serveur
USER 10001
HEALTHCHECK --interval=2s CMD ["/serveur", "-sonde"]
ENTRYPOINT ["/serveur"]
DOCKERFILE
docker build -t defi:1.0 .
docker run -d --user 0 --name defi -p 8080:8080 defi:1.0
