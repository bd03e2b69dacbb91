// Real consumers of vmtest's reports, run as separate programs the way CI
// runs them: xmllint validating JUnit XML against Jenkins' xunit schema,
// Python's xml.etree.ElementTree reading it, Perl's TAP::Parser (what
// `prove` uses) reading TAP, and PyYAML reading TAP's YAML blocks.
// Used by the unit tests and the end-to-end tests.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vmtest::report_testing {

struct ToolResult {
    int status = -1;     // exit status; -1 when it could not run
    std::string output;  // stdout and stderr together
};

// Runs argv[0] (looked up in PATH) with `argv`, capturing its output.
ToolResult run_tool(const std::vector<std::string>& argv);

// The project's own schema of the JUnit XML vmtest writes
// (tests/schemas/vmtest-junit.xsd): always there, so the tests need nothing
// from outside the clone.
std::filesystem::path own_junit_schema();

// Jenkins' xunit schema (junit-10.xsd), which CI servers validate against:
// $VMTEST_JENKINS_JUNIT_XSD, else ../shared/schemas next to the source tree
// (CI has it; a user's clone does not). nullopt when neither exists.
std::optional<std::filesystem::path> jenkins_junit_schema();

// `xmllint --noout --schema <xsd> <xml>`: status 0 when valid.
ToolResult validate_junit(const std::filesystem::path& xml, const std::filesystem::path& xsd);

// Validates against the project's schema and, where it is found, Jenkins'.
ToolResult validate_junit(const std::filesystem::path& xml);

// The JUnit file as ElementTree reads it, after checking in Python that
// every count attribute matches the elements it counts:
//   {"tests": N, "failures": N, "errors": N, "suites": [{"name", "tests",
//    "failures", "errors", "skipped", "properties": {name: value},
//    "cases": [{"name", "classname", "time", "verdict", "type", "message",
//               "text", "system_out", "system_err"}]}]}
// verdict is pass, failure, error or skipped. Throws std::runtime_error
// (with Python's message) when it does not parse or counts disagree.
nlohmann::json read_junit(const std::filesystem::path& xml);

// The suite named `name` of a read_junit() report, and the case named `name`
// of a suite; throw std::runtime_error (showing what there is) when absent.
const nlohmann::json& suite(const nlohmann::json& report, const std::string& name);
const nlohmann::json& test_case(const nlohmann::json& suite, const std::string& name);

// The TAP file as TAP::Parser reads it:
//   {"parse_errors": [..], "version", "plan", "tests_planned", "tests_run",
//    "passed": [numbers], "failed": [..], "skipped": [..], "todo": [..],
//    "bailed_out": bool, "unknown": N,
//    "tests": [{"number", "ok", "description", "directive", "explanation",
//               "yaml": <data or null>}]}
// Throws std::runtime_error when Perl fails.
nlohmann::json read_tap(const std::filesystem::path& tap);

// PyYAML's reading of every YAML block of a TAP file, in order; nullopt
// when PyYAML is not installed. Throws when a block is not valid YAML.
std::optional<nlohmann::json> read_tap_yaml_with_pyyaml(const std::filesystem::path& tap);

// The Markdown file as GitHub shows it: rendered by cmark-gfm (GitHub's
// renderer) and read back by tests/support/read_markdown.py (see there for
// the JSON). Throws std::runtime_error when either fails.
nlohmann::json read_markdown(const std::filesystem::path& markdown);

}  // namespace vmtest::report_testing
