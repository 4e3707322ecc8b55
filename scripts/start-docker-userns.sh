#!/usr/bin/env bash
# Starts a second Docker daemon with user namespaces (userns-remap) beside the main one, when
# none answers on its socket: the engine of SANDBOX_ISOLATION=userns, for the tests and for
# hosts whose main daemon must stay as it is. Idempotent.
set -euo pipefail

state=/run/cours-docker-userns
socket="unix://$state/docker.sock"
bridge=cdusns0

if DOCKER_HOST=$socket docker info >/dev/null 2>&1; then
  echo "[docker-userns] le moteur userns répond déjà ($socket)"
  exit 0
fi
echo "[docker-userns] démarrage d'un dockerd avec userns-remap ($socket)…"
mkdir -p "$state" /var/lib/cours-docker-userns /var/log
# Its own bridge: docker0 belongs to the main daemon (and `--bridge=none` would make this one
# delete docker0 at start). The address is out of Docker's default pools.
if ! ip link show "$bridge" >/dev/null 2>&1; then
  ip link add "$bridge" type bridge
  ip addr add 172.31.251.1/24 dev "$bridge"
fi
ip link set "$bridge" up
nohup dockerd \
  --userns-remap=default \
  --host "$socket" \
  --data-root /var/lib/cours-docker-userns \
  --exec-root "$state/exec" \
  --pidfile "$state/docker.pid" \
  --bridge "$bridge" \
  >/var/log/dockerd-userns.log 2>&1 &
for _ in $(seq 1 60); do
  if DOCKER_HOST=$socket docker info >/dev/null 2>&1; then
    echo "[docker-userns] moteur prêt : $(DOCKER_HOST=$socket docker info --format '{{.SecurityOptions}}')"
    exit 0
  fi
  sleep 1
done
echo "[docker-userns] dockerd ne répond pas après 60 s ; fin du journal :" >&2
tail -n 30 /var/log/dockerd-userns.log >&2
exit 1
