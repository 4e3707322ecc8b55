# expect: toutes les instructions ne font pas une couche
# Every step of docker history above the base, 0B metadata steps included.
echo $(( $(docker history -q mon-apache:1.0 | wc -l) - $(docker history -q debian:bookworm | wc -l) ))
