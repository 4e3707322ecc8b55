#!/usr/bin/env bash
# Starts a Docker daemon when none answers, and waits until it does.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  echo "[docker] le moteur répond déjà"
  exit 0
fi
echo "[docker] démarrage de dockerd…"
mkdir -p /var/log
nohup dockerd >/var/log/dockerd-ci.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "[docker] moteur prêt : $(docker version --format '{{.Server.Version}}')"
    exit 0
  fi
  sleep 1
done
echo "[docker] dockerd ne répond pas après 60 s ; fin du journal :" >&2
tail -n 30 /var/log/dockerd-ci.log >&2
exit 1
