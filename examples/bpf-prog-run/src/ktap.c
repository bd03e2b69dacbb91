#include "ktap.h"

#include <stdarg.h>
#include <stdio.h>

void ktap_header(int test_count) {
    printf("KTAP version 1\n1..%d\n", test_count);
    fflush(stdout);
}

void ktap_diagnostic(const char* format, ...) {
    va_list args;
    va_start(args, format);
    printf("# ");
    vprintf(format, args);
    printf("\n");
    va_end(args);
}

void ktap_result(int number, const char* name, enum ktap_result result, const char* skip_reason) {
    if (result == KTAP_SKIP) {
        printf("ok %d %s # SKIP %s\n", number, name, skip_reason);
    } else {
        printf("%s %d %s\n", result == KTAP_PASS ? "ok" : "not ok", number, name);
    }
    /* Each result as it happens: the output streams to the host, and a test
     * that hangs the kernel leaves the ones before it behind. */
    fflush(stdout);
}
