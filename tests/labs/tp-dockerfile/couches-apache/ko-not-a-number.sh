# expect: Répondez par un nombre
# Not a number.
echo "quelques-unes"
