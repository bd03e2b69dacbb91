// One line of TAP or KTAP, recognised on its own: what kind it is, how far
// it is indented (nesting), and its fields. The parser puts lines together.
#pragma once

#include <string>
#include <string_view>

#include "tap_document.hpp"

namespace vmtest::tap {

enum class TapLineKind {
    version,     // "TAP version 13", "KTAP version 1"
    plan,        // "1..N", optionally "# SKIP reason"
    test,        // "ok 1 - description # TODO reason", "not ok 2 name"
    bail_out,    // "Bail out! reason"
    subtest,     // "# Subtest: name" (TAP 14, Test::More, KTAP)
    yaml_start,  // "---" (meaningful only right after a test point)
    yaml_end,    // "..."
    other,       // comments, blank lines, anything else the command printed
};

struct TapLine {
    TapLineKind kind = TapLineKind::other;
    int indent = 0;         // columns of leading white space (a tab counts 4)
    std::string_view text;  // the line without kernel-log prefix and indentation

    // version
    int version = 0;
    bool ktap = false;
    // plan
    int planned = 0;
    // test
    bool ok = false;
    int number = 0;  // 0: the line had none
    std::string description;
    TapDirective directive = TapDirective::none;
    // plan "# SKIP", test directive, bail out, subtest name
    std::string reason;
};

// A TAP line is structural when it shapes the document (its nesting and
// counts); other lines, whatever their indentation, are just output.
bool is_structural(TapLineKind kind);

// `line` has no line terminator. Kernel log prefixes ("[   12.345678] ",
// "<6>[    1.000000][    T1] ") are skipped first, so KTAP read back from
// dmesg or a serial console parses as printed.
TapLine classify_tap_line(std::string_view line);

}  // namespace vmtest::tap
