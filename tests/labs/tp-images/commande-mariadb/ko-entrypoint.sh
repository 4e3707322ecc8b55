# expect: ENTRYPOINT
# The entrypoint given instead of the command.
docker pull -q mariadb >/dev/null
docker image inspect -f '{{json .Config.Entrypoint}}' mariadb
