# golang:1.24 (Debian 13) builder, -trimpath, CMD in exec form, the binary at /.
docker image rm -f hello:1 >/dev/null 2>&1 || true
# In the step's folder, as the step asks: the check reads the Dockerfile there.
cd /root/tp-dockerfile/hello
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.24 AS compil
WORKDIR /src
COPY hello.go .
RUN CGO_ENABLED=0 go build -trimpath -o /hello hello.go

FROM scratch
COPY --from=compil /hello /hello
CMD ["/hello"]
DOCKERFILE
docker build -t hello:1 .
