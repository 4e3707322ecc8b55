#!/usr/bin/env bash
# Prepares a machine for the platform, idempotently: system packages (Docker engine, Chromium,
# debootstrap, iptables), a running Docker daemon and a second one with user namespaces, and
# the npm dependencies (Node 24 included).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install-system.sh
  bash scripts/start-docker.sh
  # The engine of SANDBOX_ISOLATION=userns, which the tests run every TP step on too.
  bash scripts/start-docker-userns.sh
else
  echo "[système] pas root : installation des paquets et démarrage de dockerd sautés (voir README)"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[npm] installation des dépendances (npm ci)…"
  npm ci --no-audit --no-fund
else
  echo "[npm] dépendances déjà installées"
fi
