# expect: n'a qu'une étape
# The binary compiled outside the build, then a single FROM scratch stage that copies it in.
docker image rm -f hello:1 >/dev/null 2>&1 || true
cd /root/tp-dockerfile/hello
docker run --rm -v "$PWD":/src -w /src -e CGO_ENABLED=0 golang:1.19 go build -o hello-bin hello.go
cat > Dockerfile <<'DOCKERFILE'
FROM scratch
COPY hello-bin /hello
CMD ["/hello"]
DOCKERFILE
docker build -t hello:1 .
