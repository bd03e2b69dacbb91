# The Debian package: `cpack -G DEB` in the build directory makes
# vmtest_<version>_<arch>.deb from what `cmake --install` installs (the
# binary, its plugins, the SDK's headers, libraries and CMake package) plus
# the man page and the bash completion. Configure with
# -DCMAKE_INSTALL_PREFIX=/usr for Debian's multiarch library directory
# (/usr/lib/x86_64-linux-gnu/vmtest/plugins); the binary finds its plugins
# relative to itself either way.
install(FILES ${PROJECT_SOURCE_DIR}/cli/vmtest.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/cli/completion/vmtest.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME vmtest)

set(CPACK_PACKAGE_NAME vmtest)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "run commands and tests on chosen Linux kernels in QEMU with the host's userspace")
set(CPACK_PACKAGE_DESCRIPTION
    "vmtest boots a Linux kernel in QEMU, shares the host's own userspace into the guest as its root filesystem, runs a command inside through the QEMU guest agent, streams its output and returns its exit status. Kernels come from images, packages, build trees or URLs; reports in JUnit, TAP and Markdown.")
set(CPACK_PACKAGE_CONTACT "vmtest maintainers <vmtest@localhost>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # whatever the build type: debug information is not for users
# Libraries from dpkg-shlibdeps; the programs vmtest runs from here. The
# guest runs the host's own qemu-ga, so the agent is a dependency, not a
# suggestion.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qemu-system-x86, qemu-guest-agent")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qemu-utils, ovmf")
# For aarch64 guests: qemu-system-aarch64, and the UEFI firmware their
# images boot with.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
  "virtiofsd, bash-completion, qemu-system-arm, qemu-efi-aarch64")
include(CPack)
