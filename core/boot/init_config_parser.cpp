#include "boot/init_config_parser.hpp"

#include "boot/percent_encoding.hpp"

#include <vector>

namespace vmtest::boot {

namespace {

struct Line {
    std::string_view directive;
    std::vector<std::string> fields;  // decoded
};

class Parser {
public:
    explicit Parser(InitConfigParseResult& result) : m_result(result) {}

    // Returns false (with m_result.error set) on the first problem.
    bool parse(std::string_view text) {
        while (!text.empty()) {
            ++m_line_number;
            auto end = text.find('\n');
            std::string_view line = text.substr(0, end);
            text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
            if (line.empty() || line.front() == '#') {
                continue;
            }
            Line parsed;
            if (!split(line, parsed) || !apply(parsed)) {
                return false;
            }
        }
        return true;
    }

private:
    bool fail(const std::string& message) {
        m_result.error = "line " + std::to_string(m_line_number) + ": " + message;
        return false;
    }

    bool split(std::string_view line, Line& parsed) {
        auto space = line.find(' ');
        parsed.directive = line.substr(0, space);
        while (space != std::string_view::npos) {
            line = line.substr(space + 1);
            space = line.find(' ');
            std::string_view field = line.substr(0, space);
            if (field.empty()) {
                return fail("empty field after '" + std::string(parsed.directive) +
                            "' (fields are separated by exactly one space)");
            }
            auto decoded = percent_decode(field);
            if (!decoded) {
                return fail("malformed percent escape in '" + std::string(field) + "'");
            }
            parsed.fields.push_back(std::move(*decoded));
        }
        return true;
    }

    bool expect(const Line& line, std::size_t count) {
        if (line.fields.size() == count) {
            return true;
        }
        return fail("'" + std::string(line.directive) + "' takes " + std::to_string(count) +
                    " field(s), got " + std::to_string(line.fields.size()));
    }

    bool once(const Line& line, bool& seen) {
        if (seen) {
            return fail("'" + std::string(line.directive) + "' given twice");
        }
        seen = true;
        return true;
    }

    bool access_mode(const std::string& field, bool& read_only) {
        if (field == "ro" || field == "rw") {
            read_only = field == "ro";
            return true;
        }
        return fail("expected 'ro' or 'rw', got '" + field + "'");
    }

    bool apply(Line& line) {
        InitConfig& config = m_result.config;
        auto& f = line.fields;
        std::string_view d = line.directive;
        if (d == "log") {
            if (!expect(line, 1) || !once(line, m_seen_log)) {
                return false;
            }
            if (f[0] != "quiet" && f[0] != "debug") {
                return fail("expected 'quiet' or 'debug' after 'log', got '" + f[0] + "'");
            }
            config.log_level = f[0] == "debug" ? InitLogLevel::debug : InitLogLevel::quiet;
        } else if (d == "hostname") {
            if (!expect(line, 1) || !once(line, m_seen_hostname)) {
                return false;
            }
            config.hostname = std::move(f[0]);
        } else if (d == "module") {
            if (!expect(line, 1)) {
                return false;
            }
            config.modules.push_back(std::move(f[0]));
        } else if (d == "hint") {
            if (!expect(line, 1)) {
                return false;
            }
            config.hints.push_back(std::move(f[0]));
        } else if (d == "root") {
            if (!expect(line, 4) || !once(line, m_seen_root)) {
                return false;
            }
            InitRootMount root{std::move(f[0]), std::move(f[1]), std::move(f[2]), true};
            if (!access_mode(f[3], root.read_only)) {
                return false;
            }
            config.root = std::move(root);
        } else if (d == "read-only-root") {
            if (!expect(line, 0) || !once(line, m_seen_read_only_root)) {
                return false;
            }
            config.read_only_root = true;
        } else if (d == "mount") {
            if (!expect(line, 5)) {
                return false;
            }
            InitMount mount{std::move(f[0]), std::move(f[1]), std::move(f[2]), std::move(f[3]),
                            false};
            if (!access_mode(f[4], mount.read_only)) {
                return false;
            }
            config.mounts.push_back(std::move(mount));
        } else if (d == "bind") {
            if (!expect(line, 2)) {
                return false;
            }
            config.binds.push_back({std::move(f[0]), std::move(f[1])});
        } else if (d == "port") {
            if (!expect(line, 1)) {
                return false;
            }
            config.ports.push_back(std::move(f[0]));
        } else if (d == "agent") {
            if (f.empty()) {
                return fail("'agent' needs at least one candidate path");
            }
            for (auto& candidate : f) {
                config.agent_candidates.push_back(std::move(candidate));
            }
        } else if (d == "agent-arg") {
            if (!expect(line, 1)) {
                return false;
            }
            config.agent_args.push_back(std::move(f[0]));
        } else if (d == "control") {
            if (!expect(line, 1) || !once(line, m_seen_control)) {
                return false;
            }
            config.control_port = std::move(f[0]);
        } else if (d == "kmsg") {
            if (!expect(line, 1) || !once(line, m_seen_kmsg)) {
                return false;
            }
            config.kernel_log_port = std::move(f[0]);
        } else {
            return fail("unknown directive '" + std::string(d) + "'");
        }
        return true;
    }

    InitConfigParseResult& m_result;
    int m_line_number = 0;
    bool m_seen_log = false;
    bool m_seen_hostname = false;
    bool m_seen_root = false;
    bool m_seen_read_only_root = false;
    bool m_seen_control = false;
    bool m_seen_kmsg = false;
};

}  // namespace

InitConfigParseResult parse_init_config(std::string_view text) {
    InitConfigParseResult result;
    Parser parser(result);
    result.ok = parser.parse(text);
    return result;
}

}  // namespace vmtest::boot
