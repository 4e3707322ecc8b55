# expect: pèse
# A single stage: the Go toolchain stays in the image.
docker image rm -f hello:1 >/dev/null 2>&1 || true
# In the step's folder, as the step asks: the check reads the Dockerfile there.
cd /root/tp-dockerfile/hello
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19
WORKDIR /src
COPY hello.go .
RUN CGO_ENABLED=0 go build -o /hello hello.go
CMD ["/hello"]
DOCKERFILE
docker build -t hello:1 .
