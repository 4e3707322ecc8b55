#!/bin/bash
# Set-up of the TP Dockerfile: the lab's files are already in /root/tp-dockerfile; make sure the
# scripts are executable, and fetch the base image so that the first build starts at once.
chmod 755 /root/tp-dockerfile/start.sh /root/tp-dockerfile/app/app.sh
docker pull -q debian:bookworm >/dev/null 2>&1 || true
