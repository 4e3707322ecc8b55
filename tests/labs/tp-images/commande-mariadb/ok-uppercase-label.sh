# Upper case, with a "CMD :" label and spaces.
echo '  CMD : MARIADBD  '
