# expect: trop peu
# Only the RUN counted.
echo 1
