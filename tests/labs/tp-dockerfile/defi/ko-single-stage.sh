# A single stage: the image keeps the whole Go toolchain.
# expect: doit peser moins de 20 Mo
docker rm -f defi >/dev/null 2>&1 || true
docker image rm -f defi:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/defi/main.go "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19
WORKDIR /src
COPY main.go .
RUN CGO_ENABLED=0 go build -ldflags '-s -w' -o serveur main.go
USER 10001
HEALTHCHECK --interval=2s CMD ["/src/serveur", "-sonde"]
CMD ["/src/serveur"]
DOCKERFILE
docker build -t defi:1.0 .
docker run -d --name defi -p 8080:8080 defi:1.0
