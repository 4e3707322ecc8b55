# The dangling images removed by hand, by their ids, instead of docker image prune.
ids=$(docker image ls -q --filter dangling=true)
[ -z "$ids" ] || docker image rm $ids
