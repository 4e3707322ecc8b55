#!/bin/bash
# Starts Apache in the foreground: the container lives as long as this process.
set -e
source /etc/apache2/envvars
exec apache2 -D FOREGROUND
