# A named user: the builder writes an /etc/passwd that the scratch image receives; golang:1.24.
docker rm -f defi >/dev/null 2>&1 || true
docker image rm -f defi:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/defi/main.go "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.24 AS builder
WORKDIR /src
COPY main.go .
RUN CGO_ENABLED=0 go build -o serveur main.go
RUN echo 'defi:x:10001:10001:serveur du défi:/:/sbin/nologin' > /tmp/passwd \
    && echo 'defi:x:10001:' > /tmp/group

FROM scratch
COPY --from=builder /tmp/passwd /etc/passwd
COPY --from=builder /tmp/group /etc/group
COPY --from=builder /src/serveur /usr/local/bin/serveur
USER defi
HEALTHCHECK --interval=3s CMD ["/usr/local/bin/serveur", "-sonde"]
ENTRYPOINT ["/usr/local/bin/serveur"]
DOCKERFILE
docker build -t defi:1.0 .
docker run -d --name defi --publish 8080:8080 defi:1.0
