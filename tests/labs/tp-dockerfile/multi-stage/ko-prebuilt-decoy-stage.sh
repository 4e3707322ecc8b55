# expect: ne copie rien d'une étape précédente
# A builder stage for show, and a final stage that copies a binary compiled outside the build.
docker image rm -f hello:1 >/dev/null 2>&1 || true
cd /root/tp-dockerfile/hello
docker run --rm -v "$PWD":/src -w /src -e CGO_ENABLED=0 golang:1.19 go build -o hello-bin hello.go
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19 AS builder
WORKDIR /src
COPY hello.go .
RUN CGO_ENABLED=0 go build -o hello hello.go

FROM scratch
COPY hello-bin /hello
CMD ["/hello"]
DOCKERFILE
docker build -t hello:1 .
