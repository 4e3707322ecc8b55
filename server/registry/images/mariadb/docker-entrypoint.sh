#!/bin/bash
# Entrypoint of the course's mariadb image, like the official one: on the first start it
# initializes /var/lib/mysql from the MARIADB_* (or MYSQL_*) variables and the scripts of
# /docker-entrypoint-initdb.d, then runs the server as the mysql user.
set -eo pipefail

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

note() { printf '%s [Note] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*"; }
fail() {
	printf '%s [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2
	exit 1
}

# file_env VAR: VAR, or its MYSQL_ alias, or the content of the file named by VAR_FILE.
file_env() {
	local var=$1
	local alias="MYSQL_${var#MARIADB_}"
	local value=
	if [ -n "${!var:-}" ]; then
		value=${!var}
	elif [ -n "${!alias:-}" ]; then
		value=${!alias}
	else
		local file_var="${var}_FILE" alias_file_var="${alias}_FILE"
		if [ -n "${!file_var:-}" ]; then
			value=$(<"${!file_var}")
		elif [ -n "${!alias_file_var:-}" ]; then
			value=$(<"${!alias_file_var}")
		fi
	fi
	export "$var"="$value"
	unset "${var}_FILE" "${alias}_FILE"
}

sql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
sql_name() { printf '`%s`' "${1//\`/\`\`}"; }

# Prefix that runs a command as the mysql user (setpriv execs it: same pid, like gosu).
as_mysql=()
if [ "$(id -u)" = 0 ]; then
	as_mysql=(setpriv --reuid=mysql --regid=mysql --init-groups)
fi

client() { mariadb --protocol=socket --socket="$SOCKET" -uroot "$@"; }

initialize() {
	local var
	for var in MARIADB_ROOT_PASSWORD MARIADB_ALLOW_EMPTY_ROOT_PASSWORD MARIADB_RANDOM_ROOT_PASSWORD \
		MARIADB_ROOT_HOST MARIADB_DATABASE MARIADB_USER MARIADB_PASSWORD; do
		file_env "$var"
	done
	: "${MARIADB_ROOT_HOST:=%}"
	if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] \
		&& [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
		fail "La base n'est pas initialisée et aucun mot de passe root n'est indiqué. Donnez l'une de ces variables : MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD ou MARIADB_RANDOM_ROOT_PASSWORD (par exemple : docker run -e MARIADB_ROOT_PASSWORD=secret mariadb)."
	fi
	if [ -n "$MARIADB_USER" ] && [ -z "$MARIADB_PASSWORD" ]; then
		fail "MARIADB_USER est indiqué sans MARIADB_PASSWORD."
	fi
	if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ] && [ -z "$MARIADB_ROOT_PASSWORD" ]; then
		MARIADB_ROOT_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)
		note "Mot de passe root généré : $MARIADB_ROOT_PASSWORD"
	fi

	note "Initialisation de la base de données dans $DATADIR"
	mariadb-install-db --user=mysql --datadir="$DATADIR" --rpm --skip-test-db \
		--auth-root-authentication-method=normal --skip-name-resolve \
		--loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0 >/dev/null

	note "Démarrage d'un serveur temporaire"
	"${as_mysql[@]}" "$@" --skip-networking --socket="$SOCKET" \
		--loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0 &
	local pid=$!
	local i
	for i in $(seq 300); do
		client -e 'SELECT 1' >/dev/null 2>&1 && break
		kill -0 "$pid" 2>/dev/null || fail "Le serveur temporaire s'est arrêté."
		sleep 0.1
	done
	client -e 'SELECT 1' >/dev/null 2>&1 || fail "Le serveur temporaire ne répond pas."

	if [ -n "$MARIADB_DATABASE" ]; then
		note "Création de la base $MARIADB_DATABASE"
		client -e "CREATE DATABASE IF NOT EXISTS $(sql_name "$MARIADB_DATABASE");"
	fi
	if [ -n "$MARIADB_USER" ]; then
		note "Création de l'utilisateur $MARIADB_USER"
		client -e "CREATE USER $(sql_string "$MARIADB_USER")@'%' IDENTIFIED BY $(sql_string "$MARIADB_PASSWORD");"
		if [ -n "$MARIADB_DATABASE" ]; then
			client -e "GRANT ALL ON $(sql_name "$MARIADB_DATABASE").* TO $(sql_string "$MARIADB_USER")@'%';"
		fi
	fi

	local f
	for f in /docker-entrypoint-initdb.d/*; do
		case "$f" in
			*.sh) note "Exécution de $f"; . "$f" ;;
			*.sql) note "Exécution de $f"; client ${MARIADB_DATABASE:+"$MARIADB_DATABASE"} <"$f" ;;
			*.sql.gz) note "Exécution de $f"; gunzip -c "$f" | client ${MARIADB_DATABASE:+"$MARIADB_DATABASE"} ;;
			*.sql.xz) note "Exécution de $f"; xzcat "$f" | client ${MARIADB_DATABASE:+"$MARIADB_DATABASE"} ;;
			*) [ -e "$f" ] && note "Ignoré : $f" ;;
		esac
	done

	# Root accounts last: until here the client needed no password.
	local password
	password=$(sql_string "$MARIADB_ROOT_PASSWORD")
	client <<-SQL
		DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
		EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\'', @@hostname, '\'');
		SET PASSWORD FOR 'root'@'localhost' = PASSWORD($password);
		$(if [ "$MARIADB_ROOT_HOST" != localhost ]; then
			host=$(sql_string "$MARIADB_ROOT_HOST")
			echo "CREATE USER IF NOT EXISTS 'root'@$host IDENTIFIED BY $password;"
			echo "GRANT ALL ON *.* TO 'root'@$host WITH GRANT OPTION;"
			echo "GRANT PROXY ON ''@'%' TO 'root'@$host WITH GRANT OPTION;"
		fi)
		FLUSH PRIVILEGES;
	SQL

	note "Arrêt du serveur temporaire"
	kill -TERM "$pid"
	wait "$pid" || true
	note "Initialisation terminée, prête à démarrer."
}

if [ "${1:0:1}" = - ]; then
	set -- mariadbd "$@"
fi

if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
	if [ "$(id -u)" = 0 ]; then
		mkdir -p /run/mysqld
		chown mysql:mysql /run/mysqld
		find "$DATADIR" \! -user mysql -exec chown mysql:mysql '{}' +
	fi
	if [ ! -d "$DATADIR/mysql" ]; then
		initialize "$@"
	fi
	exec "${as_mysql[@]}" "$@"
fi

exec "$@"
