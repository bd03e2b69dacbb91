// Reads a target's captured stdout as TAP (versions 12 to 14) or KTAP 1.
//
// TAP is a line protocol: an optional "TAP version N" line, a plan "1..N"
// (first or last), one "ok"/"not ok" line per test point with an optional
// number, description and "# SKIP"/"# TODO" directive, an optional YAML
// diagnostic block indented under a test point ("---" ... "..."), and
// "Bail out!" to abort. Anything else is ignored by consumers, which is what
// lets a test program print freely between its test points.
//
// Subtests nest by indentation: a complete TAP stream, indented further,
// printed *before* the test point that sums it up (TAP 14, Test::More, and
// the kernel's KTAP: "KTAP version 1", "# Subtest: name", "1..N", indented
// by 4 per level). KTAP is often read back from the kernel log, so a
// "[  12.345678] " timestamp before a line is skipped.
//
// A command's output is not guaranteed to be one clean stream: two test
// programs may run one after the other, or in parallel and interleave, or
// the command may be killed half-way. The parser therefore checks what a
// report relies on - one version line first, one plan, first or last, that
// matches the number of test points, test numbers in sequence, every
// subtest closed by its test line, every YAML block ended - at every level,
// and calls the document consistent only if all of that holds. Reporters
// show test points only for consistent documents, and otherwise fall back
// to the target's own result, so odd output never produces a wrong report.
// Lines that are not TAP, at any indentation, are tolerated everywhere.
#pragma once

#include <string_view>

#include "tap_document.hpp"

namespace vmtest::tap {

TapDocument parse_tap(std::string_view output);

}  // namespace vmtest::tap
