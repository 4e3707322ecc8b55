# expect: pas de bulle
# The word cowsay in the ENTRYPOINT, but echo does the talking: no cow.
docker image rm -f cowsay >/dev/null 2>&1 || true
ctx=$(mktemp -d)
cd "$ctx"
cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm
ENTRYPOINT ["/bin/echo", "cowsay"]
CMD ["hello"]
DOCKERFILE
docker build -t cowsay .
