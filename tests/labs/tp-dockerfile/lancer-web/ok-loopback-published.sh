# Published on the sandbox's loopback only (-p 127.0.0.1:8080:80), the image named in full
# (docker.io/library/mon-apache:1.0 is the local mon-apache:1.0): localhost:8080 answers.
docker rm -f web >/dev/null 2>&1 || true
docker run -d -p 127.0.0.1:8080:80 --name web docker.io/library/mon-apache:1.0
