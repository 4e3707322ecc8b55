#!/bin/sh
# Makes the "slim" variant of a Debian root tree, like Debian's official slim images:
# documentation, manual pages and translations are removed, and dpkg is told to keep
# them out of every package installed later (copyright files stay, for legal reasons).
# Usage: slimify.sh ROOTFS
set -eu
rootfs=$1

cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# This is the "slim" variant of the Debian base image: files that containers
# rarely need are excluded from every package installed.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF

for dir in usr/share/groff usr/share/info usr/share/linda usr/share/lintian/overrides \
  usr/share/locale usr/share/man; do
  if [ -d "$rootfs/$dir" ]; then
    find "$rootfs/$dir" -mindepth 1 -delete
  fi
done
if [ -d "$rootfs/usr/share/doc" ]; then
  find "$rootfs/usr/share/doc" -mindepth 2 ! -type d ! -path '*/copyright' -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
fi
