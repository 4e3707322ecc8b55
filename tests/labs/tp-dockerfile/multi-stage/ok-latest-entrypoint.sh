# golang:latest builder, default build flags, ENTRYPOINT, binary in /usr/local/bin.
docker image rm -f hello:1 >/dev/null 2>&1 || true
# In the step's folder, as the step asks: the check reads the Dockerfile there.
cd /root/tp-dockerfile/hello
cat > Dockerfile <<'DOCKERFILE'
FROM golang:latest AS compilation
COPY hello.go /go/src/hello/
RUN cd /go/src/hello && go build -o /out/bonjour hello.go

FROM scratch
COPY --from=compilation /out/bonjour /usr/local/bin/bonjour
ENTRYPOINT ["/usr/local/bin/bonjour"]
DOCKERFILE
docker build -t hello:1 .
