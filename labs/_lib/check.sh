# Helper library prepended to every check script of labs/*/checks/.
# The platform runs `timeout N sandbox-checker -- bash -c "<this file>\n<check script>"` as root
# in the sandbox's checker: a container of the sandbox image beside the student's sandbox, whose
# binaries the student cannot replace. The student's files are under $SANDBOX_ROOT (a path to a
# file of the sandbox is "$SANDBOX_ROOT/root/...", and a folder to build is copied first with
# sandbox_copy); `docker` talks to the sandbox's engine, verified. Only the last non-empty line of stdout is
# shown to the student: helpers stay silent, and a check ends with `pass` or `fail`.

# Empty when a check runs inside the sandbox itself (by hand, to try it).
SANDBOX_ROOT=${SANDBOX_ROOT:-}

# --- verdicts -------------------------------------------------------------------------------

# Notes what the check saw, for the instructor (the dashboard and the CSV show it, never the
# student): evidence "mon-app:1.0 = sha256:…". 20 lines of 300 characters are kept.
evidence() { printf '::preuve:: %s\n' "$*"; }

# Prints the French message and ends the check as passed (exit 0).
pass() { printf '%s\n' "$*"; exit 0; }
# Prints the French message and ends the check as failed (exit 1).
fail() { printf '%s\n' "$*"; exit 1; }

# --- the student's files ---------------------------------------------------------------------

# Copies a folder of the student's (its path in the sandbox, /root/...) into a fresh folder of
# the checker and prints the copy's path, for `docker build`: the CLI resolves the checker's
# view of the sandbox (/proc/1/root) to its own root. Status 1 when the folder is missing or
# over 32 MB. The caller removes the copy.
sandbox_copy() {
  local source="$SANDBOX_ROOT$1" copy
  [ -d "$source" ] || return 1
  [ "$(du -sk "$source" 2>/dev/null | cut -f 1)" -le 32768 ] 2>/dev/null || return 1
  copy=$(mktemp -d) || return 1
  if ! tar -C "$source" -cf - . 2>/dev/null | tar -C "$copy" -xf - 2>/dev/null; then
    rm -rf "$copy"
    return 1
  fi
  printf '%s\n' "$copy"
}

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

# Prints the number an answer gives, in digits or in French words, once a trailing unit is
# dropped: answer_number "$ANSWER" 'couches?|layers?' accepts "3", "3 couches", "Trois couches.",
# "dix-sept", "vingt et un", "soixante-douze", "quatre-vingt-dix". Status 1 when it is not one.
answer_number() {
  local text
  text=$(normalize_words "$1" | sed -E 's/[.!]+$//')
  [ -n "${2:-}" ] && text=$(printf '%s' "$text" | sed -E "s/ *(${2})\$//")
  case "$text" in
    '') return 1 ;;
    *[!0-9]*) ;;
    *)
      printf '%d\n' "$((10#$text))"
      return 0
      ;;
  esac
  printf '%s\n' "$text" | tr '-' ' ' | awk '
    BEGIN {
      split("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize", w, " ")
      for (i = 1; i <= 17; i++) value[w[i]] = i - 1
      value["une"] = 1; value["trente"] = 30; value["quarante"] = 40; value["cinquante"] = 50; value["soixante"] = 60
    }
    {
      total = 0; previous = ""
      for (i = 1; i <= NF; i++) {
        t = $i
        if (t == "et") continue
        if (t == "vingt" || t == "vingts") total += (previous == "quatre" ? 76 : 20)
        else if (t == "cent" || t == "cents") total = (total == 0 ? 1 : total) * 100
        else if (t in value) total += value[t]
        else exit 1
        previous = t
      }
      if (NF == 0) exit 1
      print total
    }'
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

# Prints the first of the candidate images whose layers are the bottom layers of REF: the image
# REF was built from. Usage: image_based_on REF CANDIDATE... Local images are tried first; then
# the missing candidates are pulled (from the course's mirror), since BuildKit does not keep the
# base of a build in the image list.
image_based_on() {
  local ref=$1 candidate layers base pass
  shift
  layers=$(image_diff_ids "$ref") || return 1
  [ -n "$layers" ] || return 1
  for pass in local pull; do
    for candidate in "$@"; do
      if [ "$pass" = local ]; then
        image_exists "$candidate" || continue
      else
        image_exists "$candidate" && continue
        docker pull -q "$candidate" >/dev/null 2>&1 || continue
      fi
      base=$(image_diff_ids "$candidate") || continue
      [ -n "$base" ] || continue
      if [ "${layers#"$base"}" != "$layers" ]; then
        printf '%s\n' "$candidate"
        return 0
      fi
    done
  done
  return 1
}

# Files of each layer of an image, one "<layer>\t<path>" a line (layer 1 is the bottom one,
# paths relative to / without a trailing slash, whiteouts as "dir/.wh.name"). Read from the
# `docker save` stream, layer by layer, so it works with any storage driver and builder and
# never holds a whole layer in memory or on disk.
image_layer_files() {
  local ref=$1 dir layer index=0
  dir=$(mktemp -d) || return 1
  # Each member of the archive goes to the command on its stdin: layers are listed, the
  # manifest (the layers' order) is kept, anything else (image configs) is skipped.
  if ! docker save "$ref" 2>/dev/null | LAYERS_DIR=$dir tar -x --to-command='
      case "$TAR_FILENAME" in
        manifest.json) cat > "$LAYERS_DIR/manifest.json" ;;
        *.tar | blobs/*) tar -t 2>/dev/null > "$LAYERS_DIR/$(printf %s "$TAR_FILENAME" | tr / _).list"; cat > /dev/null ;;
        *) cat > /dev/null ;;
      esac' 2>/dev/null; then
    rm -rf "$dir"
    return 1
  fi
  while IFS= read -r layer; do
    index=$((index + 1))
    sed -e 's|^\./||' -e 's|/$||' -e '/^\.\?$/d' -e "s|^|$index\t|" "$dir/$(printf %s "$layer" | tr / _).list" 2>/dev/null
  done < <(jq -r '.[0].Layers[]' "$dir/manifest.json" 2>/dev/null)
  rm -rf "$dir"
  [ "$index" -gt 0 ]
}

# Prints the layer (1 = bottom) of the top-most copy of PATH in the image: image_file_layer REF
# PATH. Status 1 when the file is absent, deleted by a later layer (a whiteout of it or of a
# folder above it, or an opaque folder), or the layers unreadable.
image_file_layer() {
  image_layer_files "$1" | awk -F '\t' -v path="${2#/}" '
    BEGIN {
      # The whiteout names that hide path: ".wh.<name>" beside it or beside any folder above it,
      # and the opaque marker of any folder above it.
      rest = path
      while (rest != "") {
        slash = match(rest, /\/[^\/]*$/)
        parent = slash ? substr(rest, 1, slash - 1) : ""
        name = slash ? substr(rest, slash + 1) : rest
        hide[(parent == "" ? "" : parent "/") ".wh." name] = 1
        if (parent != "") hide[parent "/.wh..wh..opq"] = 1
        rest = parent
      }
    }
    { if ($1 > top) top = $1 }
    $2 == path { found[$1] = 1 }
    $2 in hide { deleted[$1] = 1 }
    END {
      layer = ""
      for (i = 1; i <= top; i++) {
        if (i in found) layer = i
        else if (i in deleted) layer = ""
      }
      if (layer == "") exit 1
      print layer
    }'
}

# Files that the layers of REF above its base BASE add (as image_layer_files prints them).
image_added_files() {
  local base_layers
  base_layers=$(image_layers "$2") || return 1
  image_layer_files "$1" | awk -F '\t' -v n="$base_layers" '$1 > n'
}

# Prints the content of a file of the image, from a throwaway container (asked again while
# empty, see output_of).
image_read() {
  output_of in_image "$1" cat "$2"
  echo
}

# True when PATH is an executable file of the image.
image_has_executable() { in_image "$1" test -f "$2" -a -x "$2" >/dev/null; }

# True when TOOL runs in the image and says what it is, its output matching PATTERN:
# image_tool_runs REF TOOL PATTERN [ARG...] (--version by default). A file that is only there
# (an empty executable, a binary copied without its libraries) does not run.
image_tool_runs() {
  local ref=$1 tool=$2 pattern=$3
  shift 3
  [ "$#" -gt 0 ] || set -- --version
  output_of in_image "$ref" "$tool" "$@" | grep -qE "$pattern"
}

# Prints the output of a command (stdout and stderr), run again while it is empty, three runs
# at most: under load the engine now and then loses the output of a container that ends at once.
output_of() {
  local out tries=3
  while [ "$tries" -gt 0 ]; do
    out=$("$@" 2>&1)
    [ -n "$out" ] && break
    tries=$((tries - 1))
  done
  printf '%s' "$out"
}

# Runs a throwaway container of an image, without network, with its own command or the given
# arguments, and prints its output (stdout and stderr): image_run REF [ARG...].
image_run() { output_of docker run --rm --network none --log-driver none "$@"; }

# Runs a command in a throwaway container of an image, without network, bypassing its
# entrypoint: in_image REF COMMAND [ARG...]. Prints the command's stdout.
in_image() {
  local ref=$1 command=$2
  shift 2
  docker run --rm --network none --log-driver none --entrypoint "$command" "$ref" "$@" 2>/dev/null
}

# Prints the config digest of REPO:TAG in a registry (the image id, for an image pushed from
# the engine's image store), following a multi-platform index to its amd64 (or first) manifest:
# registry_config_digest http://localhost:5000 defi/nginx 1. Names prove nothing: anyone can
# push another image under them; this digest is what was pushed.
registry_config_digest() {
  local registry=$1 repo=$2 manifest inner
  local accept='application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json'
  manifest=$(curl -fsS --max-time 5 -H "Accept: $accept" "$registry/v2/$repo/manifests/$3" 2>/dev/null) || return 1
  inner=$(printf '%s' "$manifest" | jq -r '.manifests // empty | (map(select(.platform.architecture == "amd64")) + .)[0].digest // empty' 2>/dev/null)
  if [ -n "$inner" ]; then
    manifest=$(curl -fsS --max-time 5 -H "Accept: $accept" "$registry/v2/$repo/manifests/$inner" 2>/dev/null) || return 1
  fi
  printf '%s' "$manifest" | jq -er '.config.digest // empty' 2>/dev/null
}

# Prints, one a line, the forms a secret may be kept under in a file: as is, reversed, in hex
# (both cases), and in base64 at each of its three alignments (only the part of the encoding
# that the bytes around the secret cannot change): grep -aqF -f <(secret_forms "$token").
secret_forms() {
  local secret=$1 pad b64
  printf '%s\n' "$secret"
  printf '%s\n' "$secret" | rev
  printf '%s' "$secret" | od -An -v -tx1 | tr -d ' \n'
  echo
  printf '%s' "$secret" | od -An -v -tx1 | tr -d ' \n' | tr 'a-f' 'A-F'
  echo
  for pad in '' x xx; do
    b64=$(printf '%s%s' "$pad" "$secret" | base64 -w 0)
    b64=${b64:$(((${#pad} * 4 + 2) / 3))}
    printf '%s\n' "${b64:0:$((${#b64} - 4))}"
  done
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
