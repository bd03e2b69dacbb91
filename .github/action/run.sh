#!/usr/bin/env bash
# Step "run": vmtest on the one target the inputs describe (written as a
# vmtest.toml) or on the given config, with the reports asked for plus a
# Markdown summary, which goes to the job's summary page. The step fails with
# vmtest's own exit status (the command's, the number of failed targets, 2
# for bad input, 69 when a VM could not run: README "Exit status").
# Outputs: exit-code, junit, summary.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

check_inputs
reports_dir="$(action_dir)/reports"
mkdir -p "$reports_dir"

# The one target: its vmtest.toml goes in the current directory (the
# workspace), because a config's directory is the project the guest gets at
# /mnt/vmtest, where its command starts, and relative paths are relative to
# it. It is removed when the step ends.
config=${INPUT_CONFIG:-}
if [ -z "$config" ]; then
  config=$(mktemp ./.vmtest-action-XXXXXX.toml)
  trap 'rm -f "$config"' EXIT
  kernel=${INPUT_KERNEL:-${INPUT_KERNEL_URL:-}}
  image=${INPUT_IMAGE:-}
  if [ -n "${INPUT_IMAGE_URL:-}" ]; then
    image=$(image_download_path "$INPUT_IMAGE_URL" "${VMTEST_CACHE_DIR:?}")
    mkdir -p "$(dirname "$image")"
    # -z: a cached copy is only downloaded again when the server has a newer one.
    time_condition=()
    [ -f "$image" ] && time_condition=(--time-cond "$image")
    curl --fail --silent --show-error --location --retry 3 "${time_condition[@]}" \
      -o "$image.part" "$INPUT_IMAGE_URL" || die 69 "cannot download 'image_url' $INPUT_IMAGE_URL"
    if [ -s "$image.part" ]; then mv "$image.part" "$image"; else rm -f "$image.part"; fi
  fi
  {
    echo "[[target]]"
    echo "name = $(toml_string "${INPUT_NAME:-vmtest-action target}")"
    [ -n "$kernel" ] && echo "kernel = $(toml_string "$kernel")"
    [ -n "$image" ] && echo "image = $(toml_string "$image")"
    [ -n "${INPUT_ARCH:-}" ] && echo "arch = $(toml_string "$INPUT_ARCH")"
    [ -n "${INPUT_ROOTFS:-}" ] && echo "rootfs = $(toml_string "$INPUT_ROOTFS")"
    is_true "${INPUT_UEFI:-false}" && echo "uefi = true"
    [ -n "${INPUT_KERNEL_ARGS:-}" ] && echo "kernel_args = $(toml_string "$INPUT_KERNEL_ARGS")"
    echo "command = $(toml_string "$INPUT_COMMAND")"
    if [ -n "${INPUT_CPUS:-}${INPUT_MEMORY:-}" ]; then
      echo "[target.vm]"
      [ -n "${INPUT_CPUS:-}" ] && echo "num_cpus = $INPUT_CPUS"
      [ -n "${INPUT_MEMORY:-}" ] && echo "memory = $(toml_string "$INPUT_MEMORY")"
    fi
    true
  } >"$config"
fi

args=(-c "$config")
[ -n "${INPUT_FILTER:-}" ] && args+=(--filter "$INPUT_FILTER")
[ -n "${INPUT_SHARD:-}" ] && args+=(--shard "$INPUT_SHARD")
[ -n "${INPUT_JOBS:-}" ] && args+=("--jobs=$INPUT_JOBS")
# The one target has its arch and rootfs in its vmtest.toml (checked
# together as the file is read); a config's targets get them as overrides.
[ -n "${INPUT_CONFIG:-}" ] && [ -n "${INPUT_ARCH:-}" ] && args+=(--arch "$INPUT_ARCH")
[ -n "${INPUT_CONFIG:-}" ] && [ -n "${INPUT_ROOTFS:-}" ] && args+=(--rootfs "$INPUT_ROOTFS")
[ -n "${INPUT_TIMEOUT:-}" ] && args+=(--timeout "$INPUT_TIMEOUT")
[ -n "${INPUT_SHARE:-}" ] && args+=(--share "$INPUT_SHARE")
[ -n "${INPUT_CONFIG:-}" ] && [ -n "${INPUT_KERNEL_ARGS:-}" ] && args+=(--kargs "$INPUT_KERNEL_ARGS")

# Reports: NAME[=PATH]; without a path, NAME.<extension> in reports_dir.
junit="" summary=""
read -r -d '' -a reporters < <(printf '%s' "${INPUT_REPORTERS:-}") || true
for reporter in "${reporters[@]}"; do
  name=${reporter%%=*}
  if [[ $reporter == *=* ]]; then
    path=${reporter#*=}
  else
    case "$name" in
      junit) extension=xml ;; tap) extension=tap ;; markdown) extension=md ;; json) extension=json ;;
      *) extension=txt ;;
    esac
    path="$reports_dir/$name.$extension"
  fi
  [ "$name" = junit ] && junit=$path
  [ "$name" = markdown ] && summary=$path
  args+=(--reporter "$name=$path")
done
if [ -z "$summary" ]; then
  summary="$reports_dir/summary.md"
  args+=(--reporter "markdown=$summary")
fi

echo "vmtest-action: vmtest ${args[*]}"
status=0
vmtest "${args[@]}" || status=$?

if [ -f "$summary" ]; then
  cat "$summary" >>"${GITHUB_STEP_SUMMARY:?}"
  echo >>"$GITHUB_STEP_SUMMARY"
fi
set_output exit-code "$status"
set_output junit "$junit"
set_output summary "$summary"
if [ "$status" != 0 ]; then
  echo "::error title=vmtest::vmtest exited with status $status (see the job summary)"
fi
exit "$status"
