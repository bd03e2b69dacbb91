#!/usr/bin/env bash
# Step "install": what vmtest needs on the runner, with apt, only what is
# missing (a runner that has it all does not even update apt's lists):
#   - QEMU, the guest agent (the guest runs the runner's own qemu-ga), qemu-img
#     and OVMF (UEFI images); qemu-system-aarch64 and AAVMF (qemu-system-arm,
#     qemu-efi-aarch64) when `arch` or the config names aarch64;
#   - virtiofsd for the virtiofs share, where the system has one: Debian 12
#     and Ubuntu 22.04 ship it in qemu-system-common, newer ones as the
#     package virtiofsd;
#   - the build's tools and libraries when vmtest is built from source (a
#     build restored from the cache links the same libraries), or the .deb
#     from INPUT_DEB_URL, which brings its own dependencies;
#   - read and write access to /dev/kvm for the runner's user (a udev rule,
#     as GitHub documents for Android emulators), when the runner has KVM.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

packages=(qemu-system-x86 qemu-utils qemu-guest-agent ovmf)
if [ "${INPUT_ARCH:-}" = aarch64 ] || { [ -n "${INPUT_CONFIG:-}" ] && grep -qs aarch64 "$INPUT_CONFIG"; }; then
  packages+=(qemu-system-arm qemu-efi-aarch64)
fi
if [ -z "${INPUT_DEB_URL:-}" ]; then
  packages+=(
    build-essential cmake ninja-build pkg-config
    libboost-dev libboost-filesystem-dev libboost-program-options-dev
    libtomlplusplus-dev nlohmann-json3-dev libspdlog-dev
    liblzma-dev zlib1g-dev libzstd-dev libcurl4-openssl-dev libarchive-dev libssl-dev
  )
fi

have_virtiofsd() {
  command -v virtiofsd >/dev/null && return 0
  local path
  for path in /usr/libexec/virtiofsd /usr/lib/qemu/virtiofsd /usr/libexec/qemu/virtiofsd; do
    [ -x "$path" ] && return 0
  done
  return 1
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ] || ! have_virtiofsd; then
  as_root apt-get update -q
fi
# Only now do apt's lists say whether this system has a virtiofsd package.
if ! have_virtiofsd; then
  if apt-cache show virtiofsd >/dev/null 2>&1; then
    missing+=(virtiofsd)
  else
    echo "vmtest-action: no virtiofsd on this system; the virtiofs share will not be available (9p is)"
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "vmtest-action: installing ${missing[*]}"
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "vmtest-action: the runtime packages are installed already"
fi

if [ -n "${INPUT_DEB_URL:-}" ]; then
  deb=$INPUT_DEB_URL
  if is_url "$deb"; then
    mkdir -p "$(action_dir)"
    deb="$(action_dir)/vmtest.deb"
    curl --fail --silent --show-error --location --retry 3 -o "$deb" "$INPUT_DEB_URL" ||
      die 69 "cannot download 'deb_url' $INPUT_DEB_URL"
  fi
  [ -f "$deb" ] || die 2 "'deb_url': no such file: $deb"
  # apt wants a path with a slash to take it for a file.
  [[ $deb == */* ]] || deb=./$deb
  as_root apt-get install -y -q "$deb"
fi

# KVM: GitHub's larger and newer standard runners have /dev/kvm, owned by
# group kvm, which the runner user is not in.
if [ -e /dev/kvm ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
  echo 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"' |
    as_root tee /etc/udev/rules.d/99-vmtest-kvm.rules >/dev/null
  as_root udevadm control --reload-rules
  as_root udevadm trigger --name-match=kvm
  echo "vmtest-action: gave $(id -un) access to /dev/kvm"
fi
