#!/usr/bin/env bash
# Step "prepare": vmtest on PATH for this and later steps, its download cache
# placed where actions/cache can keep it, the inputs checked before anything
# boots, and the key of the download cache: a hash of the URLs this job will
# download (kernel_url, image_url, or the URL kernels of the config's
# selected targets). Nothing to download, no key, no cache.
# Outputs: cache-dir, downloads-key.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ -z "${INPUT_DEB_URL:-}" ]; then
  bin_dir="${VMTEST_PREFIX:?}/bin"
  [ -x "$bin_dir/vmtest" ] || die 69 "no vmtest in $bin_dir: the build step did not run or failed"
  echo "$bin_dir" >>"${GITHUB_PATH:?}"
  export PATH="$bin_dir:$PATH"
fi
command -v vmtest >/dev/null || die 69 "vmtest is not installed"
echo "vmtest-action: $(command -v vmtest): $(vmtest --version)"

# Later steps that run vmtest themselves share the downloads too.
cache_dir="$(action_dir)/cache"
mkdir -p "$cache_dir"
echo "VMTEST_CACHE_DIR=$cache_dir" >>"${GITHUB_ENV:?}"
set_output cache-dir "$cache_dir"

if is_true "${INPUT_SETUP_ONLY:-false}"; then
  set_output downloads-key ""
  exit 0
fi
check_inputs

urls=()
for url in "${INPUT_KERNEL_URL:-}" "${INPUT_IMAGE_URL:-}"; do
  [ -n "$url" ] && urls+=("$url")
done
if [ -n "${INPUT_CONFIG:-}" ]; then
  list=(vmtest --list --json -c "$INPUT_CONFIG")
  [ -n "${INPUT_FILTER:-}" ] && list+=(--filter "$INPUT_FILTER")
  [ -n "${INPUT_SHARD:-}" ] && list+=(--shard "$INPUT_SHARD")
  # A bad file or flag is vmtest's to explain (it names file, line and field).
  targets=$("${list[@]}") || exit $?
  while IFS= read -r url; do
    is_url "$url" && urls+=("$url")
  done < <(printf '%s' "$targets" | python3 -c '
import json, sys
for target in json.load(sys.stdin):
    print(target.get("kernel", ""))')
fi
if [ ${#urls[@]} -eq 0 ]; then
  set_output downloads-key ""
else
  key=$(printf '%s\n' "${urls[@]}" | LC_ALL=C sort -u | sha256sum | cut -c1-32)
  set_output downloads-key "$key"
  echo "vmtest-action: download cache key $key for ${urls[*]}"
fi
