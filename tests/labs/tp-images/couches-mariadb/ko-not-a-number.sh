# expect: Répondez par un nombre
# A word instead of a number.
echo beaucoup
