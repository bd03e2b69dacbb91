#!/usr/bin/env bash
# Builds a Debian root filesystem for aarch64 guests, as a directory a
# vmtest target names as its `rootfs`: bash, coreutils, grep, dash,
# qemu-guest-agent, and Debian's arm64 kernel with its modules (under
# boot/ and lib/modules/, so the directory is an installed-kernel directory
# too). Also leaves the kernel's own .deb beside it, for tests that boot a
# kernel from its package.
#
# Usage: build-arm64-rootfs.sh ROOT_DIR [DEB_DIR]
#   ROOT_DIR  the root filesystem (must not exist yet)
#   DEB_DIR   where linux-image-<release>-arm64_*.deb goes (default: none kept)
#
# No arm64 code runs on the host: mmdebstrap's `extract` variant unpacks the
# packages (and their dependencies) without running their maintainer
# scripts, which is all vmtest needs, since its own init sets the guest up.
# The suite is the host's Debian release. Needs root (mmdebstrap's root
# mode), mmdebstrap and access to a Debian mirror (VMTEST_IMAGE_MIRROR,
# default deb.debian.org). Takes ~15 s and ~520 MB, most of it the modules.
set -euo pipefail

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 ROOT_DIR [DEB_DIR]" >&2; exit 2; }
root=$1
debs=${2:-}
[ ! -e "$root" ] || { echo "$0: $root already exists" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "$0: needs root (mmdebstrap extracts as root)" >&2; exit 1; }

mirror=${VMTEST_IMAGE_MIRROR:-http://deb.debian.org/debian}
. /etc/os-release
suite=${VERSION_CODENAME:-bookworm}

# The downloaded packages are kept (cleanup/apt/cache skipped) to take the
# kernel's .deb out of them; the rest go.
mmdebstrap --arch=arm64 --variant=extract --mode=root --quiet \
  --include=bash,dash,coreutils,grep,qemu-guest-agent,linux-image-arm64 \
  --skip=cleanup/apt/cache \
  "$suite" "$root" "$mirror" >&2
archives=$root/var/cache/apt/archives
if [ -n "$debs" ]; then
  mkdir -p "$debs"
  mv "$archives"/linux-image-[0-9]*-arm64_*.deb "$debs"/
fi
rm -f "$archives"/*.deb
