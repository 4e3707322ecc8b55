#!/bin/sh
# Installs the (pretend) Produpot application while the image is built. It needs the token of
# Produpot's package repository, read from the file given as argument, else from the JETON
# variable, else from /run/secrets/jeton (where RUN --mount=type=secret,id=jeton puts it).
# It never prints the token, and fails (so does the build) without the right one.
set -eu
expected=eeb630bc1fde47572f2e54eb00af47140fb52c3afa0aa7d5c4fdc1215d1206ff
if [ "$#" -gt 0 ]; then
  if [ ! -r "$1" ]; then
    echo "installer.sh : impossible de lire le jeton dans $1." >&2
    exit 1
  fi
  jeton=$(cat "$1")
elif [ -n "${JETON:-}" ]; then
  jeton=$JETON
elif [ -r /run/secrets/jeton ]; then
  jeton=$(cat /run/secrets/jeton)
else
  echo "installer.sh : aucun jeton (ni fichier en argument, ni variable JETON, ni /run/secrets/jeton) : installation impossible." >&2
  exit 1
fi
jeton=$(printf '%s' "$jeton" | tr -d '[:space:]')
if [ "$(printf '%s' "$jeton" | sha256sum | cut -d ' ' -f 1)" != "$expected" ]; then
  echo "installer.sh : le dépôt Produpot refuse ce jeton : installation impossible." >&2
  exit 1
fi
mkdir -p /opt/appli
echo "Appli Produpot 1.0, installée avec un jeton valide." > /opt/appli/installe.txt
echo "installer.sh : appli Produpot installée dans /opt/appli."
