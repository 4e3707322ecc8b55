# Between quotes.
echo '"mariadbd"'
