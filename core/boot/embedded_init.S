/* Embeds the static vmtest-init executables into the library as read-only
 * data, one pair of symbols an arch: vmtest_init_<arch>_start/_end.
 * VMTEST_INIT_PATH_<arch> is the quoted path of that arch's built binary,
 * passed by CMake (which also makes this file rebuild when one changes). An
 * arch whose init was not built (no cross compiler) gets an empty range, so
 * the C++ side links the same either way and tells "not built" by the size.
 * The symbols are hidden so references to them need no dynamic relocation. */

#define VMTEST_INIT_SYMBOLS(arch)              \
    .globl vmtest_init_##arch##_start;         \
    .hidden vmtest_init_##arch##_start;        \
    .globl vmtest_init_##arch##_end;           \
    .hidden vmtest_init_##arch##_end

#define VMTEST_EMBED_INIT(arch, path)          \
    .section .rodata.vmtest_init_##arch, "a", @progbits; \
    .balign 16;                                \
    VMTEST_INIT_SYMBOLS(arch);                 \
vmtest_init_##arch##_start:                    \
    .incbin path;                              \
vmtest_init_##arch##_end:

#define VMTEST_NO_INIT(arch)                   \
    .section .rodata.vmtest_init_##arch, "a", @progbits; \
    VMTEST_INIT_SYMBOLS(arch);                 \
vmtest_init_##arch##_start:                    \
vmtest_init_##arch##_end:

#ifdef VMTEST_INIT_PATH_x86_64
    VMTEST_EMBED_INIT(x86_64, VMTEST_INIT_PATH_x86_64)
#else
    VMTEST_NO_INIT(x86_64)
#endif

#ifdef VMTEST_INIT_PATH_aarch64
    VMTEST_EMBED_INIT(aarch64, VMTEST_INIT_PATH_aarch64)
#else
    VMTEST_NO_INIT(aarch64)
#endif

    .section .note.GNU-stack, "", @progbits
