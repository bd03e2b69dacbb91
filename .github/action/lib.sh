# What the action's scripts share. Sourced, not run.
#
# Every input arrives as INPUT_<NAME> in the environment (action.yml maps
# them); outputs go to $GITHUB_OUTPUT, the environment of later steps to
# $GITHUB_ENV, programs for later steps to $GITHUB_PATH, as GitHub's runner
# reads them.

# Where the action keeps its files on the runner: the temporary directory,
# which GitHub empties between jobs (actions/cache brings back what is worth
# keeping).
action_dir() { echo "${RUNNER_TEMP:?RUNNER_TEMP is not set; run this as a GitHub Action step}/vmtest-action"; }

# One line that GitHub shows as an error annotation, and the exit status.
die() {
  local status=$1
  shift
  echo "::error title=vmtest::$*"
  echo "vmtest-action: $*" >&2
  exit "$status"
}

# `name=value` for a later step; values never hold newlines here.
set_output() { printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:?}"; }

# Runs "$@" as root: directly when we are, through sudo otherwise (GitHub's
# runner user has password-less sudo).
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}

is_true() { [ "${1,,}" = true ]; }
is_url() { [[ $1 == http://* || $1 == https://* ]]; }

# The input values that only make sense for the one target the action makes
# itself, and those only with a config file, refused with the reason; the
# same checks prepare.sh runs before anything is installed and run.sh runs
# before vmtest does. Exit status 2, as vmtest's for bad flags.
check_inputs() {
  [ -n "${INPUT_KERNEL:-}" ] && [ -n "${INPUT_KERNEL_URL:-}" ] &&
    die 2 "give either 'kernel' or 'kernel_url', not both"
  [ -n "${INPUT_IMAGE:-}" ] && [ -n "${INPUT_IMAGE_URL:-}" ] &&
    die 2 "give either 'image' or 'image_url', not both"
  local kernel="${INPUT_KERNEL:-}${INPUT_KERNEL_URL:-}" image="${INPUT_IMAGE:-}${INPUT_IMAGE_URL:-}"
  [ -n "$kernel" ] && [ -n "$image" ] &&
    die 2 "give a kernel ('kernel', 'kernel_url') or an image ('image', 'image_url'), not both"
  if [ -n "${INPUT_IMAGE_URL:-}" ] && ! is_url "$INPUT_IMAGE_URL"; then
    die 2 "'image_url' must be an http:// or https:// URL, got '$INPUT_IMAGE_URL'"
  fi
  if [ -n "${INPUT_KERNEL_URL:-}" ] && ! is_url "$INPUT_KERNEL_URL"; then
    die 2 "'kernel_url' must be an http:// or https:// URL, got '$INPUT_KERNEL_URL'"
  fi
  case "${INPUT_UEFI:-false}" in true | false | True | False | TRUE | FALSE) ;; *)
    die 2 "'uefi' must be true or false, got '$INPUT_UEFI'" ;;
  esac
  if [ -n "${INPUT_CONFIG:-}" ]; then
    local input
    for input in kernel kernel_url image image_url command cpus memory; do
      local variable="INPUT_${input^^}"
      [ -n "${!variable:-}" ] &&
        die 2 "'$input' is for the one target the action makes; with 'config', set it in $INPUT_CONFIG"
    done
    is_true "${INPUT_UEFI:-false}" &&
      die 2 "'uefi' is for the one target the action makes; with 'config', set it in $INPUT_CONFIG"
    [ -f "$INPUT_CONFIG" ] || die 2 "'config': no such file: $INPUT_CONFIG"
  else
    [ -n "${INPUT_COMMAND:-}" ] || die 2 "'command' is required (or give a vmtest.toml as 'config')"
    for input in filter shard; do
      local variable="INPUT_${input^^}"
      [ -n "${!variable:-}" ] && die 2 "'$input' selects targets of a 'config' file; give 'config' too"
    done
  fi
  if [ -n "${INPUT_CPUS:-}" ] && ! [[ $INPUT_CPUS =~ ^[0-9]+$ ]]; then
    die 2 "'cpus' must be a number, got '$INPUT_CPUS'"
  fi
  return 0
}

# Where image_url's download is kept (under the cache actions/cache keeps).
image_download_path() {
  local url=$1 cache_dir=$2 name
  name=${url%%[?#]*}
  name=${name##*/}
  [ -n "$name" ] || name=image
  echo "$cache_dir/action-images/$(printf '%s' "$url" | sha256sum | cut -c1-16)/$name"
}

# $1 as a TOML basic string, quotes included. TOML forbids raw control
# characters (but tab) and DEL in one, so each is written as \uXXXX; '"' and
# '\' are escaped. Bytes from 0x80 up pass as they are (inputs are UTF-8).
toml_string() {
  local LC_ALL=C text=$1 out='"' i c
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    case "$c" in
      '"') out+='\"' ;;
      '\') out+='\\' ;;
      [[:cntrl:]]) out+=$(printf '\\u%04X' "'$c") ;;
      *) out+=$c ;;
    esac
  done
  printf '%s"' "$out"
}
