# The answer copied from docker image inspect, JSON brackets and quotes included.
docker pull -q mariadb >/dev/null
docker image inspect -f '{{json .Config.Cmd}}' mariadb
