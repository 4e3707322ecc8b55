# The answer copied from docker image inspect, JSON brackets and quotes included.
docker image inspect -f '{{json .Config.Cmd}}' mariadb
