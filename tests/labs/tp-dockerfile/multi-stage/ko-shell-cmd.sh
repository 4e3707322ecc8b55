# expect: pas de shell dans scratch
# CMD in shell form needs /bin/sh, which scratch does not have.
docker image rm -f hello:1 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/hello/hello.go "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19 AS builder
WORKDIR /src
COPY hello.go .
RUN CGO_ENABLED=0 go build -o hello hello.go

FROM scratch
COPY --from=builder /src/hello /hello
CMD /hello
DOCKERFILE
docker build -t hello:1 .
