# Unnamed stage used by index, go.mod made in the build, USER set.
docker image rm -f hello:1 >/dev/null 2>&1 || true
# In the step's folder, as the step asks: the check reads the Dockerfile there.
cd /root/tp-dockerfile/hello
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19
WORKDIR /app
COPY hello.go ./
RUN go mod init exemple.fr/hello && CGO_ENABLED=0 go build -o /hello .

FROM scratch
COPY --from=0 /hello /hello
USER 65534
CMD ["/hello"]
DOCKERFILE
docker build -t hello:1 .
