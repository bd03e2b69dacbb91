#include "tap_parser.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "tap_line.hpp"

namespace vmtest::tap {

namespace {

// Deeper nesting than this is noise, and bounds the parser's recursion
// whatever a command prints.
constexpr int k_max_depth = 16;

// One TAP stream at one indentation: the document itself, or the subtests
// of one test point.
struct Level {
    bool has_version = false;
    bool ktap = false;
    int version = 12;
    bool has_plan = false;
    bool plan_after_tests = false;
    int planned = 0;
    std::string skip_all_reason;
    std::string name;  // its own "# Subtest: name" line
    std::vector<TapTestPoint> tests;
};

class Parser {
  public:
    explicit Parser(std::string_view output) {
        std::size_t start = 0;
        while (start < output.size()) {
            std::size_t end = output.find('\n', start);
            if (end == std::string_view::npos) {
                end = output.size();
            }
            m_raw.push_back(output.substr(start, end - start));
            m_lines.push_back(classify_tap_line(m_raw.back()));
            start = end + 1;
        }
    }

    TapDocument parse() {
        TapDocument document;
        std::optional<int> top_indent;
        for (const auto& line : m_lines) {
            if (is_structural(line.kind)) {
                top_indent = std::min(top_indent.value_or(line.indent), line.indent);
            }
            document.looks_like_tap = document.looks_like_tap || line.kind == TapLineKind::plan ||
                                      line.kind == TapLineKind::version;
        }
        if (!document.looks_like_tap || !top_indent) {
            document.problem = "no TAP plan or version line";
            return document;
        }
        Level top = parse_level(*top_indent, 0, "");
        document.ktap = top.ktap;
        document.version = top.version;
        document.planned = top.planned;
        document.skip_all_reason = std::move(top.skip_all_reason);
        document.tests = std::move(top.tests);
        document.bailed_out = m_bailed_out;
        document.bail_out_reason = std::move(m_bail_out_reason);
        document.consistent = m_problem.empty();
        document.problem = std::move(m_problem);
        return document;
    }

  private:
    // Reads lines from m_pos until a structural line less indented than
    // `indent` (the end of a subtest) or the end of the output.
    Level parse_level(int indent, int depth, const std::string& where) {
        Level level;
        std::optional<Level> child;   // subtests waiting for their test line
        std::string child_name;       // a "# Subtest:" line at this level, for the next child
        std::string output;           // other lines since the last test point
        bool seen_item = false;
        while (m_pos < m_lines.size() && !m_bailed_out) {
            const TapLine& line = m_lines[m_pos];
            if (is_structural(line.kind) && line.indent < indent) {
                break;
            }
            if (is_structural(line.kind) && line.indent > indent) {
                if (depth + 1 >= k_max_depth) {
                    problem(where, "subtests nested too deep");
                    ++m_pos;
                    continue;
                }
                if (child) {
                    problem(where, "subtests without the test line that closes them");
                }
                const std::string inside =
                    where + "subtests of test " + std::to_string(level.tests.size() + 1) + ": ";
                child = parse_level(line.indent, depth + 1, inside);
                if (child->name.empty()) {
                    child->name = std::move(child_name);
                }
                child_name.clear();
                continue;
            }
            ++m_pos;
            switch (line.kind) {
            case TapLineKind::version:
                if (seen_item || level.has_version) {
                    problem(where, "a second version line (two TAP streams one after the other, or "
                                   "interleaved?)");
                }
                level.has_version = true;
                level.ktap = line.ktap;
                level.version = line.version;
                seen_item = true;
                break;
            case TapLineKind::plan:
                if (level.has_plan) {
                    problem(where, "a second plan");
                }
                level.has_plan = true;
                level.plan_after_tests = !level.tests.empty();
                level.planned = line.planned;
                level.skip_all_reason = line.reason;
                seen_item = true;
                break;
            case TapLineKind::test:
                level.tests.push_back(test_point(line, level, where));
                level.tests.back().output = std::move(output);
                output.clear();
                if (child) {
                    level.tests.back().subtests = std::move(child->tests);
                    level.tests.back().subtest_name = std::move(child->name);
                    child.reset();
                }
                child_name.clear();
                seen_item = true;
                read_yaml(line.indent, level.tests.back(), where);
                break;
            case TapLineKind::bail_out:
                m_bailed_out = true;
                m_bail_out_reason = line.reason;
                break;
            case TapLineKind::subtest:
                if (depth > 0 && !level.has_plan && level.tests.empty() && level.name.empty()) {
                    level.name = line.reason;  // KTAP names a subtest inside it
                } else {
                    child_name = line.reason;  // TAP 14 names it before it
                }
                break;
            default:
                output.append(m_raw[m_pos - 1]).push_back('\n');
                break;
            }
        }
        if (m_bailed_out) {
            return level;  // the plan was never going to be met
        }
        if (child) {
            problem(where, "subtests without the test line that closes them");
        }
        if (!level.has_plan) {
            problem(where, "no plan");
        } else if (static_cast<std::size_t>(level.planned) != level.tests.size()) {
            problem(where, "planned " + std::to_string(level.planned) + " tests but " +
                               std::to_string(level.tests.size()) + " reported");
        }
        return level;
    }

    TapTestPoint test_point(const TapLine& line, const Level& level, const std::string& where) {
        TapTestPoint point;
        const int expected = static_cast<int>(level.tests.size()) + 1;
        if (level.plan_after_tests) {
            problem(where, "test " + std::to_string(expected) + " after the plan");
        }
        if (line.number != 0 && line.number != expected) {
            problem(where, "test number " + std::to_string(line.number) + " where " +
                               std::to_string(expected) + " was expected");
        }
        point.ok = line.ok;
        point.number = line.number != 0 ? line.number : expected;
        point.description = line.description;
        point.directive = line.directive;
        point.reason = line.reason;
        return point;
    }

    // A YAML block directly under a test point, more indented than it.
    void read_yaml(int test_indent, TapTestPoint& point, const std::string& where) {
        if (m_pos >= m_lines.size() || m_lines[m_pos].kind != TapLineKind::yaml_start ||
            m_lines[m_pos].indent <= test_indent) {
            return;
        }
        const int indent = m_lines[m_pos].indent;
        for (++m_pos; m_pos < m_lines.size(); ++m_pos) {
            const TapLine& line = m_lines[m_pos];
            if (line.kind == TapLineKind::yaml_end && line.indent == indent) {
                ++m_pos;
                return;
            }
            if (!line.text.empty() && line.indent < indent) {
                break;
            }
            if (!line.text.empty()) {
                point.yaml.append(static_cast<std::size_t>(line.indent - indent), ' ');
                point.yaml.append(line.text);
            }
            point.yaml.push_back('\n');
        }
        problem(where, "the YAML block of test " + std::to_string(point.number) + " has no end");
    }

    void problem(const std::string& where, const std::string& what) {
        if (m_problem.empty()) {
            m_problem = where + what;  // the first one explains the rest
        }
    }

    std::vector<std::string_view> m_raw;
    std::vector<TapLine> m_lines;
    std::size_t m_pos = 0;
    bool m_bailed_out = false;
    std::string m_bail_out_reason;
    std::string m_problem;
};

}  // namespace

TapDocument parse_tap(std::string_view output) { return Parser(output).parse(); }

}  // namespace vmtest::tap
