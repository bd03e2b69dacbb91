// Linked with only core/boot's embedded_init objects of a build without a
// cross compiler (init_without_cross_compiler_test.sh): prints, for each
// arch given, the size of its embedded init or the line vmtest fails with.
#include "boot/boot_error.hpp"
#include "boot/embedded_init.hpp"

#include <cstdio>

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        try {
            std::printf("%s: %zu bytes\n", argv[i], vmtest::boot::embedded_init(argv[i]).size());
        } catch (const vmtest::boot::BootError& error) {
            std::printf("%s: %s\n", argv[i], error.what());
        }
    }
}
