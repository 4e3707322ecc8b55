# The password comes from a file mounted at run time.
cat > /root/tp-dockerfile/lint/Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim
ENV DB_PASSWORD_FILE=/run/secrets/db_password
RUN apt-get update \
 && apt-get install -y --no-install-recommends apache2 \
 && rm -rf /var/lib/apt/lists/*
COPY site/ /var/www/html/
CMD ["apachectl", "-D", "FOREGROUND"]
DOCKERFILE
