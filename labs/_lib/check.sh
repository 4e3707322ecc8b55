# Helper library prepended to every check script of labs/*/checks/.
# The platform runs `timeout N bash -c "<this file>\n<check script>"` as root in /root of the
# student's sandbox, in its own `docker exec` process. Only the last non-empty line of stdout is
# shown to the student: helpers stay silent, and a check ends with `pass` or `fail`.

# --- verdicts -------------------------------------------------------------------------------

# Prints the French message and ends the check as passed (exit 0).
pass() { printf '%s\n' "$*"; exit 0; }
# Prints the French message and ends the check as failed (exit 1).
fail() { printf '%s\n' "$*"; exit 1; }

# --- answers of question steps --------------------------------------------------------------

# Fails when the student sent an empty answer.
require_answer() {
  [ -n "$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]')" ] || fail "Saisissez une réponse."
}

# Prints its arguments (or stdin) trimmed, lowercased, with inner blanks collapsed.
normalize() {
  if [ "$#" -gt 0 ]; then printf '%s' "$*"; else cat; fi |
    tr '[:upper:]' '[:lower:]' | tr -s '[:space:]' ' ' | sed 's/^ //; s/ $//'
}

# Like normalize, and also drops JSON punctuation: ["mariadbd"] -> mariadbd.
normalize_words() {
  if [ "$#" -gt 0 ]; then printf '%s' "$*"; else cat; fi |
    tr '[]",'"'"'`' '      ' | normalize
}

# --- images ---------------------------------------------------------------------------------

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null; }
# Default command and entrypoint, as JSON (`null` when unset).
image_cmd() { docker image inspect -f '{{json .Config.Cmd}}' "$1" 2>/dev/null; }
image_entrypoint() { docker image inspect -f '{{json .Config.Entrypoint}}' "$1" 2>/dev/null; }
# Number of filesystem layers (RootFS.Layers).
image_layers() { docker image inspect -f '{{len .RootFS.Layers}}' "$1" 2>/dev/null; }
# Layer diff ids, bottom first, one a line.
image_diff_ids() {
  docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1" 2>/dev/null | sed '/^$/d'
}
# Value of an environment variable of the image config (empty and status 1 when unset).
image_env() {
  docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null |
    awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); found = 1; exit } END { exit !found }'
}

# Prints the first of the candidate images (present locally) whose layers are the bottom layers
# of REF: the image REF was built from. Usage: image_based_on REF CANDIDATE...
image_based_on() {
  local ref=$1 candidate layers base
  shift
  layers=$(image_diff_ids "$ref") || return 1
  [ -n "$layers" ] || return 1
  for candidate in "$@"; do
    base=$(image_diff_ids "$candidate") || continue
    [ -n "$base" ] || continue
    if [ "${layers#"$base"}" != "$layers" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# Layer directories of an image on the sandbox's disk (overlay2), top layer first. The sandbox's
# /var/lib/docker is local, so checks can look at files without starting a container.
image_layer_dirs() {
  local data upper lower
  data=$(docker image inspect -f '{{.GraphDriver.Name}}|{{.GraphDriver.Data.UpperDir}}|{{.GraphDriver.Data.LowerDir}}' "$1" 2>/dev/null) || return 1
  [ "${data%%|*}" = overlay2 ] || return 1
  data=${data#*|}
  upper=${data%%|*}
  lower=${data#*|}
  [ -n "$upper" ] && [ -d "$upper" ] || return 1
  printf '%s\n' "$upper"
  case "$lower" in '' | '<no value>') ;; *) printf '%s\n' "$lower" | tr ':' '\n' ;; esac
}

# Layer directories of REF that its base image BASE does not have (the layers REF added).
image_added_layer_dirs() {
  local ref_dirs base_dirs
  ref_dirs=$(image_layer_dirs "$1") || return 1
  base_dirs=$(image_layer_dirs "$2") || return 1
  printf '%s\n' "$ref_dirs" | grep -vxF -f <(printf '%s\n' "$base_dirs") || true
}

# Prints where PATH (absolute, in the image) lives on disk: the top-most layer holding it.
# Status 1 when absent, deleted by a later layer, or when layers cannot be read.
image_file() {
  local dirs dir rel=${2#/}
  dirs=$(image_layer_dirs "$1") || return 1
  while IFS= read -r dir; do
    if [ -c "$dir/$rel" ] && [ "$(stat -c '%t%T' "$dir/$rel" 2>/dev/null)" = 00 ]; then
      return 1 # overlay whiteout: deleted in this layer
    fi
    if [ -e "$dir/$rel" ] || [ -L "$dir/$rel" ]; then
      printf '%s\n' "$dir/$rel"
      return 0
    fi
  done <<<"$dirs"
  return 1
}

# Prints the content of a file of the image: from its layers, else from a throwaway container.
image_read() {
  local file
  if file=$(image_file "$1" "$2") && [ -f "$file" ]; then
    cat "$file"
  else
    in_image "$1" cat "$2"
  fi
}

# True when PATH is an executable file of the image.
image_has_executable() {
  local file
  local mode
  if file=$(image_file "$1" "$2") && [ -f "$file" ]; then
    # Mode bits, not `test -x`: the layers may sit on a noexec tmpfs.
    mode=$(stat -c '%a' "$file" 2>/dev/null) || return 1
    [ $((8#$mode & 8#111)) -ne 0 ]
  else
    in_image "$1" test -x "$2" >/dev/null
  fi
}

# Runs a command in a throwaway container of an image, without network, bypassing its
# entrypoint: in_image REF COMMAND [ARG...]. Prints the command's stdout.
in_image() {
  local ref=$1 command=$2
  shift 2
  docker run --rm --network none --log-driver none --entrypoint "$command" "$ref" "$@" 2>/dev/null
}

# --- containers -----------------------------------------------------------------------------

container_exists() { docker container inspect "$1" >/dev/null 2>&1; }
container_running() { [ "$(docker container inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
# Id of the image a container was created from.
container_image_id() { docker container inspect -f '{{.Image}}' "$1" 2>/dev/null; }

# --- network --------------------------------------------------------------------------------

http_get() { curl -fsS --max-time 3 "$1" 2>/dev/null; }

# Retries http_get for up to N tenths of a second (default 30): a server may be starting.
http_get_retry() {
  local url=$1 tries=${2:-30} body
  while [ "$tries" -gt 0 ]; do
    if body=$(http_get "$url"); then
      printf '%s' "$body"
      return 0
    fi
    tries=$((tries - 1))
    sleep 0.1
  done
  return 1
}
