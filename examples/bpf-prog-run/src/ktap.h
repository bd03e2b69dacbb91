/* KTAP output (the kernel's TAP dialect, Documentation/dev-tools/ktap.rst),
 * what kselftests print: a version line, a plan, one result line per test,
 * "# " diagnostic lines. Test runners (and vmtest's reports) turn each result
 * line into a test case. */
#ifndef KTAP_H
#define KTAP_H

enum ktap_result { KTAP_PASS, KTAP_FAIL, KTAP_SKIP };

void ktap_header(int test_count);
/* A "# " line: printf-style, one line. */
void ktap_diagnostic(const char* format, ...) __attribute__((format(printf, 1, 2)));
/* "ok N name", "not ok N name" or "ok N name # SKIP reason". */
void ktap_result(int number, const char* name, enum ktap_result result, const char* skip_reason);

#endif
