# expect: ENTRYPOINT
# The entrypoint given instead of the command.
docker image inspect -f '{{json .Config.Entrypoint}}' mariadb
