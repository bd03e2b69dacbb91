#include "report_consumers.hpp"

#include <cstdlib>

#include <fcntl.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace vmtest::report_testing {

namespace {

// Checks the counts, then prints the document as JSON.
constexpr const char* k_read_junit = R"PY(
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
def verdict(case):
    for tag in ("failure", "error", "skipped"):
        if case.find(tag) is not None:
            return tag
    return "pass"
suites = []
totals = {"tests": 0, "failures": 0, "errors": 0}
for suite in root.findall("testsuite"):
    cases = []
    for case in suite.findall("testcase"):
        v = verdict(case)
        element = case.find(v) if v != "pass" else None
        out = case.find("system-out")
        err = case.find("system-err")
        cases.append({
            "name": case.get("name"), "classname": case.get("classname"),
            "time": case.get("time"), "verdict": v,
            "type": element.get("type") if element is not None else None,
            "message": element.get("message") if element is not None else None,
            "text": (element.text or "") if element is not None else "",
            "system_out": (out.text or "") if out is not None else "",
            "system_err": (err.text or "") if err is not None else "",
        })
    counts = {k: sum(1 for c in cases if c["verdict"] == v)
              for k, v in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped"))}
    counts["tests"] = len(cases)
    for key, value in counts.items():
        assert int(suite.get(key)) == value, (suite.get("name"), key, suite.get(key), value)
    for key in totals:
        totals[key] += counts[key]
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    suites.append(dict(counts, name=suite.get("name"), time=suite.get("time"),
                       timestamp=suite.get("timestamp"), properties=props, cases=cases))
for key, value in totals.items():
    assert int(root.get(key)) == value, ("testsuites", key, root.get(key), value)
print(json.dumps(dict(totals, time=root.get("time"), suites=suites)))
)PY";

constexpr const char* k_read_tap = R"PL(
use strict; use warnings;
use TAP::Parser; use JSON::PP;
my $parser = TAP::Parser->new({ source => $ARGV[0] });
my (@tests, $last);
my ($unknown, $bailed_out) = (0, 0);
while (my $result = $parser->next) {
    if ($result->is_test) {
        $last = { number => $result->number + 0, ok => ($result->is_actual_ok ? JSON::PP::true : JSON::PP::false),
                  description => $result->description, directive => $result->directive,
                  explanation => $result->explanation, yaml => undef };
        push @tests, $last;
    } elsif ($result->is_yaml) {
        $last->{yaml} = $result->data if $last;
    } elsif ($result->is_unknown) {
        $unknown++;
    } elsif ($result->is_bailout) {
        $bailed_out = 1;
    }
}
print JSON::PP->new->canonical->encode({
    parse_errors => [ $parser->parse_errors ],
    version => $parser->version + 0,
    plan => $parser->plan,
    tests_planned => ($parser->tests_planned // -1) + 0,
    tests_run => $parser->tests_run + 0,
    passed => [ map { $_ + 0 } $parser->passed ],
    failed => [ map { $_ + 0 } $parser->failed ],
    skipped => [ map { $_ + 0 } $parser->skipped ],
    todo => [ map { $_ + 0 } $parser->todo ],
    bailed_out => ($bailed_out ? JSON::PP::true : JSON::PP::false),
    unknown => $unknown,
    tests => \@tests,
});
)PL";

constexpr const char* k_read_yaml = R"PY(
import json, re, sys
try:
    import yaml
except ImportError:
    print("null"); sys.exit(0)
blocks, current, pad = [], None, ""
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if current is None:
        m = re.match(r"^(\s+)---$", line)
        if m:
            current, pad = [], m.group(1)
    elif line == pad + "...":
        blocks.append(yaml.safe_load("".join(l + "\n" for l in current)))
        current = None
    else:
        assert line.startswith(pad) or line == "", repr(line)
        current.append(line[len(pad):])
print(json.dumps(blocks))
)PY";

nlohmann::json parse_output(const ToolResult& result, const std::string& what) {
    if (result.status != 0) {
        throw std::runtime_error(what + " failed (status " + std::to_string(result.status) +
                                 "):\n" + result.output);
    }
    try {
        return nlohmann::json::parse(result.output);
    } catch (const std::exception& e) {
        throw std::runtime_error(what + " printed no JSON: " + e.what() + "\n" + result.output);
    }
}

}  // namespace

ToolResult run_tool(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return {};
    }
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(pipe_fds[1], 1);
        dup2(pipe_fds[1], 2);
        std::vector<char*> args;
        for (const auto& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str()));
        }
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(pipe_fds[1]);
    ToolResult result;
    char buffer[65536];
    ssize_t n;
    while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
        result.output.append(buffer, static_cast<std::size_t>(n));
    }
    close(pipe_fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::filesystem::path own_junit_schema() { return VMTEST_OWN_JUNIT_XSD; }

std::optional<std::filesystem::path> jenkins_junit_schema() {
    const char* from_env = std::getenv("VMTEST_JENKINS_JUNIT_XSD");
    const std::filesystem::path xsd = from_env && *from_env ? from_env : VMTEST_JENKINS_JUNIT_XSD;
    if (std::filesystem::exists(xsd)) {
        return xsd;
    }
    return std::nullopt;
}

ToolResult validate_junit(const std::filesystem::path& xml, const std::filesystem::path& xsd) {
    return run_tool({"xmllint", "--noout", "--schema", xsd.string(), xml.string()});
}

ToolResult validate_junit(const std::filesystem::path& xml) {
    auto result = validate_junit(xml, own_junit_schema());
    if (const auto jenkins = jenkins_junit_schema(); jenkins && result.status == 0) {
        result = validate_junit(xml, *jenkins);
    }
    return result;
}

nlohmann::json read_junit(const std::filesystem::path& xml) {
    return parse_output(run_tool({"/usr/bin/python3", "-c", k_read_junit, xml.string()}),
                        "python3 reading " + xml.string());
}

nlohmann::json read_tap(const std::filesystem::path& tap) {
    return parse_output(run_tool({"perl", "-e", k_read_tap, tap.string()}),
                        "TAP::Parser reading " + tap.string());
}

std::optional<nlohmann::json> read_tap_yaml_with_pyyaml(const std::filesystem::path& tap) {
    auto blocks = parse_output(run_tool({"/usr/bin/python3", "-c", k_read_yaml, tap.string()}),
                               "PyYAML reading " + tap.string());
    if (blocks.is_null()) {
        return std::nullopt;
    }
    return blocks;
}

nlohmann::json read_markdown(const std::filesystem::path& markdown) {
    return parse_output(run_tool({"/usr/bin/python3", VMTEST_READ_MARKDOWN, markdown.string()}),
                        "cmark-gfm reading " + markdown.string());
}

const nlohmann::json& suite(const nlohmann::json& report, const std::string& name) {
    for (const auto& s : report["suites"]) {
        if (s["name"] == name) {
            return s;
        }
    }
    throw std::runtime_error("no suite " + name + " in " + report.dump(2));
}

const nlohmann::json& test_case(const nlohmann::json& suite, const std::string& name) {
    for (const auto& c : suite["cases"]) {
        if (c["name"] == name) {
            return c;
        }
    }
    throw std::runtime_error("no test case " + name + " in " + suite.dump(2));
}

}  // namespace vmtest::report_testing
