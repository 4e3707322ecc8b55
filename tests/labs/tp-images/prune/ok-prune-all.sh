# docker image prune -a: every unused image goes, the dangling ones too.
docker image prune -a -f
