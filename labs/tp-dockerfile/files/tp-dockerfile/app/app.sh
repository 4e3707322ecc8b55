#!/bin/sh
# The application of the ARG/ENV and non-root user steps: says which version runs, as whom.
echo "Application version ${APP_VERSION:-inconnue}, lancée par $(id -un) (uid $(id -u))."
