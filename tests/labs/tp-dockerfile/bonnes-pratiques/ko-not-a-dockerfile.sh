# expect: n'est pas un Dockerfile valide
# The file replaced by something else.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
{"FROM": "debian:bookworm"}
DOCKERFILE
