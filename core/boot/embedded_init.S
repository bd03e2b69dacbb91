/* Embeds the static vmtest-init executable into the library as read-only
 * data between two symbols. VMTEST_INIT_PATH is the quoted path of the built
 * binary, passed by CMake, which also makes this file rebuild when it changes.
 * The symbols are hidden so references to them need no dynamic relocation. */

    .section .rodata.vmtest_embedded_init, "a", @progbits
    .balign 16
    .globl vmtest_embedded_init_start
    .hidden vmtest_embedded_init_start
vmtest_embedded_init_start:
    .incbin VMTEST_INIT_PATH
    .globl vmtest_embedded_init_end
    .hidden vmtest_embedded_init_end
vmtest_embedded_init_end:

    .section .note.GNU-stack, "", @progbits
