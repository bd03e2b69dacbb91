#!/usr/bin/env bash
# Puts the two kernels vmtest.toml names into kernels/ (Debian 12 hosts):
#   kernels/vmlinuz-6.1            Debian 12's own kernel, the newest
#                                  /boot/vmlinuz-6.1.* (apt install linux-image-amd64)
#   kernels/linux-image-6.12.deb   Debian's 6.12 kernel package from
#                                  bookworm-backports (downloaded, not installed)
# Both are symbolic links, so vmtest.toml names no release and stays the
# same when Debian updates either kernel; run the script again to follow.
#
# Usage: ./fetch-kernels.sh             download the newest 6.12 package
#        ./fetch-kernels.sh FILE.deb    use a 6.12 package you already have
#
# The download goes through a temporary source list naming the archive apt
# already uses, with package lists in a private directory: nothing is
# installed and apt's own state is left alone. Needs no root.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p kernels

installed=$(ls /boot/vmlinuz-6.1.* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$installed" ] || { echo "fetch-kernels: no /boot/vmlinuz-6.1.*; apt install linux-image-amd64" >&2; exit 1; }
ln -sfn "$installed" kernels/vmlinuz-6.1
echo "kernels/vmlinuz-6.1 -> $installed"

if [ $# -gt 0 ]; then
  deb=$(realpath "$1")
else
  . /etc/os-release
  suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}-backports
  archive=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' "Target-Of: deb" |
    awk -v release="$VERSION_CODENAME" '$1 == release { print $2; exit }')
  [ -n "$archive" ] || { echo "fetch-kernels: apt has no source for $VERSION_CODENAME" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $archive $suite main" \
    >"$work/sources.list"
  apt_options=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    # As root, apt downloads as its sandbox user, who cannot write to our
    # private directories.
    -o APT::Sandbox::User="$(id -un)")
  apt-get "${apt_options[@]}" update -q >/dev/null
  package=$(apt-cache "${apt_options[@]}" pkgnames linux-image-6.12 |
    grep -E '^linux-image-6\.12\.[0-9]+\+[^-]*-amd64-unsigned$' | sort -V | tail -n 1)
  [ -n "$package" ] || { echo "fetch-kernels: no linux-image-6.12 package in $suite" >&2; exit 1; }
  (cd kernels && apt-get "${apt_options[@]}" download -q "$package")
  deb=$(realpath "$(ls kernels/"$package"_*.deb | sort -V | tail -n 1)")
  # Packages an earlier run downloaded that this one supersedes.
  for old in kernels/linux-image-6.12.*_*.deb; do
    [ "$(realpath "$old")" = "$deb" ] || rm -f "$old"
  done
fi
ln -sfn "$deb" kernels/linux-image-6.12.deb
echo "kernels/linux-image-6.12.deb -> $deb"
