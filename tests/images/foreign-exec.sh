# shellcheck shell=bash
# Sourced by tests/images/build-test-image.sh, not run. Lets the host run
# another architecture's binaries (an arm64 root's maintainer scripts,
# depmod, systemctl) through qemu-user-static and the kernel's binfmt_misc,
# and undoes afterwards what it changed on the machine.
#
# What it changes, only where needed and only until restore_foreign_exec:
# - mounts binfmt_misc on /proc/sys/fs/binfmt_misc when it is not mounted
#   (the kernel only consults registrations made there);
# - registers the one interpreter asked for (e.g. qemu-aarch64) from
#   qemu-user-static's own /usr/lib/binfmt.d file, when it is not registered
#   yet. Its F flag makes the kernel open the interpreter at registration,
#   so it also runs inside the chroot, which has no qemu binary of its own.
# Other registrations (binfmt-support's, systemd-binfmt's) are left alone,
# and one made by someone else is neither replaced nor removed.

binfmt_dir=/proc/sys/fs/binfmt_misc
foreign_exec_mounted=""
foreign_exec_registered=""

# enable_foreign_exec QEMU_ARCH: QEMU_ARCH is qemu's name (aarch64).
enable_foreign_exec() {
  local name=qemu-$1 conf=/usr/lib/binfmt.d/qemu-$1.conf
  [ -f "$conf" ] || { echo "$0: $conf missing: install qemu-user-static" >&2; return 1; }
  if ! grep -q "^binfmt_misc $binfmt_dir " /proc/mounts; then
    mount -t binfmt_misc binfmt_misc "$binfmt_dir"
    foreign_exec_mounted=yes
  fi
  if [ ! -e "$binfmt_dir/$name" ]; then
    cat "$conf" >"$binfmt_dir/register"
    foreign_exec_registered=$name
  fi
}

# restore_foreign_exec: removes what enable_foreign_exec added, newest first.
restore_foreign_exec() {
  if [ -n "$foreign_exec_registered" ]; then
    echo -1 >"$binfmt_dir/$foreign_exec_registered" || true
    foreign_exec_registered=""
  fi
  if [ -n "$foreign_exec_mounted" ]; then
    umount "$binfmt_dir" || true
    foreign_exec_mounted=""
  fi
}
