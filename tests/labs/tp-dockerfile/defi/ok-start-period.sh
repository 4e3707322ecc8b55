# Builder stage by index, a start period with a quick start interval, docker create then start.
docker rm -f defi >/dev/null 2>&1 || true
docker image rm -f defi:1.0 >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cp /root/tp-dockerfile/defi/main.go "$ctx"/
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19
WORKDIR /go/src/defi
COPY main.go ./
RUN CGO_ENABLED=0 GOOS=linux go build -ldflags '-s -w' -o /defi main.go

FROM scratch
COPY --from=0 /defi /defi
USER 1000
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s --start-period=20s --start-interval=1s --timeout=2s CMD ["/defi", "-sonde"]
ENTRYPOINT ["/defi"]
DOCKERFILE
docker build -t defi:1.0 .
docker create --name defi -p 8080:8080 defi:1.0
docker start defi
