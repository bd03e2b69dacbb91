#!/usr/bin/env bash
# Builds minimal bootable Debian bookworm disk images for vmtest's image
# targets: systemd, qemu-guest-agent, Debian's kernel, GRUB, the kernel's
# console on the first serial port (ttyS0; ttyAMA0 on arm64).
#
# Usage: build-test-image.sh OUT.qcow2 VARIANT [OUT2.qcow2 VARIANT2 ...]
#   VARIANT: bios          MBR partition table, GRUB for i386-pc in the MBR gap
#            uefi          GPT with an EFI system partition, GRUB for x86_64-efi
#                          on the removable path EFI/BOOT/BOOTX64.EFI
#            bios-noagent  as bios, with qemu-guest-agent masked on the
#                          kernel command line (an image whose agent never
#                          answers)
#            arm64-uefi    an arm64 (aarch64) image for QEMU's virt machine
#                          and AAVMF (qemu-efi-aarch64): GPT with an EFI
#                          system partition, GRUB for arm64-efi on the
#                          removable path EFI/BOOT/BOOTAA64.EFI
# Several images share one root filesystem build (the slow part), so the
# images of one call are of one architecture: arm64-uefi is built alone.
#
# Everything happens in files, without loop devices or mounts on the host:
# mmdebstrap builds the root in a directory, mke2fs -d turns that directory
# into an ext4 filesystem image, sfdisk writes the partition table into the
# disk file, dd puts the filesystem at its partition's offset, mtools fills
# the FAT EFI partition, and GRUB's images are written where the firmware
# looks for them (grub-mkimage; for BIOS, boot.img's code in the MBR and
# core.img right after it, which is what grub-bios-setup would write).
# Needs root (mmdebstrap's root mode), mmdebstrap, grub-pc-bin,
# grub-efi-amd64-bin, dosfstools, mtools, fdisk, e2fsprogs, qemu-utils and
# access to a Debian mirror (VMTEST_IMAGE_MIRROR, default deb.debian.org).
#
# arm64: the root's maintainer scripts (the kernel's initramfs, systemd's
# setup) are arm64 programs, run through qemu-user-static and binfmt_misc
# (see foreign-exec.sh for what that changes on the machine, until the
# script ends), which mmdebstrap checks with arch-test. GRUB's arm64-efi
# modules come from the arm64 root (grub-efi-arm64-bin), and the host's
# grub-mkimage builds the EFI image from them. Needs qemu-user-static and
# arch-test besides the above; ~6 minutes (two shared cores), most of it
# emulated maintainer scripts, for a 410 MB image.
set -euo pipefail
# shellcheck source=SCRIPTDIR/foreign-exec.sh
source "$(dirname "$0")/foreign-exec.sh"

usage() {
  echo "usage: $0 OUT.qcow2 bios|uefi|bios-noagent|arm64-uefi [OUT2.qcow2 VARIANT2 ...]" >&2
  exit 2
}
[ $# -ge 2 ] && [ $(($# % 2)) = 0 ] || usage
outputs=()
variants=()
arch=""
while [ $# -gt 0 ]; do
  case $2 in
    bios | uefi | bios-noagent) variant_arch=amd64 ;;
    arm64-uefi) variant_arch=arm64 ;;
    *) usage ;;
  esac
  [ -z "$arch" ] || [ "$arch" = "$variant_arch" ] ||
    { echo "$0: $2 needs its own call: the images of one call share one $arch root" >&2; exit 2; }
  arch=$variant_arch
  outputs+=("$1")
  variants+=("$2")
  shift 2
done
[ "$(id -u)" = 0 ] || { echo "$0: needs root (mmdebstrap builds the root as root)" >&2; exit 1; }

# What differs between the architectures (Debian's name in $arch).
if [ "$arch" = arm64 ]; then
  qemu_arch=aarch64
  # The kernel, and GRUB's arm64-efi modules for the host's grub-mkimage.
  arch_packages=linux-image-arm64,grub-efi-arm64-bin
  console=ttyAMA0
  efi_grub_target=arm64-efi
  efi_boot_file=BOOTAA64.EFI
else
  qemu_arch=x86_64
  arch_packages=linux-image-amd64
  console=ttyS0
  efi_grub_target=x86_64-efi
  efi_boot_file=BOOTX64.EFI
fi

mirror=${VMTEST_IMAGE_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/vmtest-image.XXXXXX")
trap 'restore_foreign_exec; rm -rf "$work"' EXIT
root=$work/root
root_uuid=$(cat /proc/sys/kernel/random/uuid)
[ "$arch" = "$(dpkg --print-architecture)" ] || enable_foreign_exec "$qemu_arch"

# --- the root filesystem ---------------------------------------------------
# The initramfs holds only what finds and mounts an ext4 root on a virtio
# disk (MODULES=list): smaller, and faster to unpack under emulation, than
# Debian's default of most modules. Written before the kernel is installed,
# so its postinst builds the initramfs this way.
setup_initramfs='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d" &&
  echo MODULES=list >"$1/etc/initramfs-tools/conf.d/vmtest-image" &&
  printf "%s\n" virtio_pci virtio_blk ext4 crc32c_generic \
    >"$1/usr/share/initramfs-tools/modules.d/vmtest-image"'
mmdebstrap --arch="$arch" --variant=minbase --mode=root --quiet \
  --include=systemd-sysv,udev,kmod,e2fsprogs,zstd,qemu-guest-agent,"$arch_packages" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --setup-hook="$setup_initramfs" \
  bookworm "$root" "$mirror" >&2

kernel_release=$(basename "$(ls -d "$root"/lib/modules/* | head -n 1)")
# Drivers a virtual machine never needs (a third of the image), and some
# that udev would load for QEMU's q35 machine and that cost seconds each
# under emulation: SATA (the disk is virtio), watchdog, SMBus, speaker,
# CPU frequency.
for tree in sound drivers/gpu drivers/media drivers/net/wireless drivers/net/ethernet \
  drivers/infiniband drivers/staging drivers/isdn drivers/bluetooth drivers/iio \
  drivers/input/touchscreen net/bluetooth net/wireless net/mac80211 \
  drivers/ata drivers/watchdog drivers/i2c drivers/mfd drivers/input/misc drivers/cpufreq \
  drivers/hwmon drivers/edac arch/x86/kvm; do
  rm -rf "$root/lib/modules/$kernel_release/kernel/$tree"
done
chroot "$root" depmod -a "$kernel_release"

echo vmtest-image >"$root/etc/hostname"
echo "UUID=$root_uuid / ext4 defaults 0 1" >"$root/etc/fstab"
# What would only compete with the test for a slow emulated CPU: timers,
# modules systemd loads just in case, a getty on a screen there is not,
# and the crypto and KVM modules udev loads for every feature `-cpu max`
# shows (the CPU's modalias is dropped before 80-drivers.rules loads them).
chroot "$root" systemctl mask --quiet apt-daily.timer apt-daily-upgrade.timer \
  e2scrub_all.timer fstrim.timer dpkg-db-backup.timer systemd-tmpfiles-clean.timer \
  modprobe@dm_mod.service modprobe@fuse.service modprobe@loop.service modprobe@drm.service \
  modprobe@efi_pstore.service modprobe@configfs.service getty@tty1.service
echo 'SUBSYSTEM=="cpu", ENV{MODALIAS}=""' >"$root/etc/udev/rules.d/79-vmtest-no-cpu-modules.rules"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
# qemu-guest-agent needs no enabling: udev starts it when the virtio-serial
# port org.qemu.guest_agent.0 appears (its unit binds to that device).

vmlinuz=$(cd "$root/boot" && ls vmlinuz-* | head -n 1)
initrd=$(cd "$root/boot" && ls initrd.img-* | head -n 1)

# --- GRUB --------------------------------------------------------------------
# The embedded config finds the root filesystem by UUID; GRUB then reads
# /boot/grub/grub.cfg from it. Every module GRUB needs is in its image (the
# root has no GRUB module directory).
cat >"$work/early.cfg" <<EOF
search --no-floppy --fs-uuid --set=root $root_uuid
set prefix=(\$root)/boot/grub
EOF
grub_modules=(ext2 search search_fs_uuid normal linux configfile echo test serial terminal)

# grub.cfg for `variant`: boot at once, the kernel's console on the first
# serial port.
write_grub_cfg() {
  local variant=$1 extra=""
  [ "$variant" = bios-noagent ] && extra=" systemd.mask=qemu-guest-agent.service"
  mkdir -p "$root/boot/grub"
  {
    # Under UEFI, OVMF and AAVMF already copy the console to the serial port.
    if [ "$variant" = bios ] || [ "$variant" = bios-noagent ]; then
      echo "serial --unit=0 --speed=115200"
      echo "terminal_input serial"
      echo "terminal_output serial"
    fi
    echo "echo 'GRUB: loading Linux $kernel_release'"
    echo "linux /boot/$vmlinuz root=UUID=$root_uuid rw console=$console,115200$extra"
    echo "initrd /boot/$initrd"
    echo "boot"
  } >"$root/boot/grub/grub.cfg"
}

# --- one disk image ----------------------------------------------------------
mib=$((1024 * 1024))
# Room for the root plus a third, for what a test writes.
root_mib=$(($(du -sm "$root" | cut -f1) * 4 / 3 + 64))

build_image() {
  local out=$1 variant=$2 disk=$work/disk.raw rootfs=$work/root.ext4
  write_grub_cfg "$variant"
  rm -f "$rootfs" "$disk"
  mke2fs -q -F -t ext4 -U "$root_uuid" -L vmtest-root -d "$root" "$rootfs" "${root_mib}M" >&2
  if [ "$variant" = uefi ] || [ "$variant" = arm64-uefi ]; then
    local esp_mib=32 root_start=$((1 + 32))
    truncate -s $(((root_start + root_mib + 1) * mib)) "$disk"
    sfdisk --quiet "$disk" <<EOF
label: gpt
start=1MiB, size=${esp_mib}MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=esp
start=${root_start}MiB, size=${root_mib}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root
EOF
    # The modules of the root's own GRUB package when it has one (arm64:
    # the host's GRUB has no arm64 modules), else the host's.
    local grub_dir=/usr/lib/grub/$efi_grub_target
    [ ! -d "$root$grub_dir" ] || grub_dir=$root$grub_dir
    grub-mkimage -O "$efi_grub_target" -d "$grub_dir" -o "$work/$efi_boot_file" \
      -c "$work/early.cfg" -p /boot/grub part_gpt fat "${grub_modules[@]}"
    rm -f "$work/esp.img"
    mkfs.vfat -C -n ESP "$work/esp.img" $((esp_mib * 1024)) >/dev/null
    mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT
    mcopy -i "$work/esp.img" "$work/$efi_boot_file" "::/EFI/BOOT/$efi_boot_file"
    dd if="$work/esp.img" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
    dd if="$rootfs" of="$disk" bs=1M seek=$root_start conv=notrunc,sparse status=none
  else
    truncate -s $(((1 + root_mib + 1) * mib)) "$disk"
    sfdisk --quiet "$disk" <<EOF
label: dos
start=1MiB, size=${root_mib}MiB, type=83, bootable
EOF
    grub-mkimage -O i386-pc -o "$work/core.img" -c "$work/early.cfg" -p /boot/grub \
      biosdisk part_msdos "${grub_modules[@]}"
    # core.img lives in the gap between the MBR and the first partition.
    [ "$(stat -c %s "$work/core.img")" -lt $((mib - 512)) ] ||
      { echo "$0: GRUB's core.img does not fit before the first partition" >&2; exit 1; }
    # boot.img's code (its first 440 bytes; the partition table stays) loads
    # sector 1, where core.img starts; core.img's own block list (set by
    # grub-mkimage) loads the rest of it.
    dd if=/usr/lib/grub/i386-pc/boot.img of="$disk" bs=440 count=1 conv=notrunc status=none
    dd if="$work/core.img" of="$disk" bs=512 seek=1 conv=notrunc status=none
    dd if="$rootfs" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
  fi
  mkdir -p "$(dirname "$out")"
  qemu-img convert -f raw -O qcow2 "$disk" "$out.tmp"
  mv "$out.tmp" "$out"
  rm -f "$disk" "$rootfs"
  echo "$out ($variant): $(du -h "$out" | cut -f1)" >&2
}

for i in "${!outputs[@]}"; do
  build_image "${outputs[$i]}" "${variants[$i]}"
done
