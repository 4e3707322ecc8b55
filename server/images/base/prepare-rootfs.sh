#!/bin/sh
# Turns a fresh `debootstrap --variant=minbase <suite>` tree (bookworm, trixie) into a container
# base image tree, with the same container tweaks as Debian's official images (debuerreotype).
# Usage: prepare-rootfs.sh ROOTFS MAIN_MIRROR_URI SECURITY_MIRROR_URI
set -eu
rootfs=$1
main_mirror=$2
security_mirror=$3
# The suite is the tree's own (its os-release), so one script serves every release.
suite=$(. "$rootfs/etc/os-release" && echo "$VERSION_CODENAME")
[ -n "$suite" ] || { echo "prepare-rootfs: no VERSION_CODENAME in $rootfs/etc/os-release" >&2; exit 1; }

# APT points at the same mirror as the host, in deb822 format like the official image.
rm -f "$rootfs/etc/apt/sources.list"
cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $main_mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

# Services must not start while packages are installed in a build.
cat > "$rootfs/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# Containers do not start services on package installation.
exit 101
EOF
chmod 755 "$rootfs/usr/sbin/policy-rc.d"

cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/docker-no-languages"
echo 'Acquire::GzipIndexes "true";' > "$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes"
echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"
echo 'force-unsafe-io' > "$rootfs/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"

# Files the engine provides at run time, and leftovers of the bootstrap.
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"
: > "$rootfs/etc/hostname"
: > "$rootfs/etc/resolv.conf"
rm -rf "$rootfs"/dev/* "$rootfs"/proc/* "$rootfs"/sys/* "$rootfs"/tmp/* "$rootfs"/run/*
mkdir -p "$rootfs/run/lock"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/archives/partial/*.deb
mkdir -p "$rootfs/var/lib/apt/lists/partial"
rm -f "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old
find "$rootfs/var/log" -type f -delete
: > "$rootfs/etc/machine-id"
