# Run with --rm: the container is gone, its end is in the engine's events.
docker rm -f $(docker ps -aq --filter ancestor=hello-world) >/dev/null 2>&1 || true
docker run --rm hello-world
