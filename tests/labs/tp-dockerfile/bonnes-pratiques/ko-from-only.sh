# expect: ne sert plus le site
# Nothing left to lint, nothing left at all: the site is gone with the faults.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
DOCKERFILE
