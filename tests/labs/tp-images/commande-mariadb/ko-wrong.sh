# expect: Ce n'est pas la commande par défaut
# An old name of the server.
echo mysqld
