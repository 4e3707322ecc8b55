#!/bin/bash
# Starts Apache in the foreground: the container lives as long as this process.
set -e
source /etc/apache2/envvars
# Directories that the service scripts usually create at boot.
mkdir -p "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
exec apache2 -D FOREGROUND
