# expect: image(s) <none>
# A new dangling image left behind.
d=$(mktemp -d)
printf 'FROM scratch\nCOPY f /f\n' > "$d/Dockerfile"
echo "un $(date +%s%N)" > "$d/f"; docker build -q -t reste:latest "$d"
echo "deux $(date +%s%N)" > "$d/f"; docker build -q -t reste:latest "$d"
