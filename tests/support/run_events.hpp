// Run events (schema in sdk/README.md) as vmtest emits them, for feeding
// reporters in tests without booting anything.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"

#include "run_record.hpp"

namespace vmtest::report_testing {

using Events = std::vector<nlohmann::json>;

// What the reporters' recorder makes of `events`.
report::RunRecord record(const Events& events);

// A private directory for a test's report files, removed afterwards.
using TempDir = test_support::TempDir;

nlohmann::json run_started(const std::vector<std::string>& targets);
nlohmann::json target_started(const std::string& target, int index);
nlohmann::json output(const std::string& target, const std::string& data,
                      const std::string& stream = "stdout");
nlohmann::json passed(const std::string& target, double duration_s = 1.5);
nlohmann::json failed(const std::string& target, int exit_code, double duration_s = 2.25);
nlohmann::json errored(const std::string& target, const std::string& error,
                       const std::vector<std::string>& boot_log_tail, double duration_s = 3,
                       const std::string& error_kind = "infrastructure");
nlohmann::json not_run(const std::string& target);
nlohmann::json run_finished(bool interrupted);

// A target from target_started to target_finished, printing `stdout_text`.
void add_target(Events& events, const std::string& target, int index,
                const std::string& stdout_text, const nlohmann::json& finished);

// Six targets covering every outcome, TAP subtests and hostile text; the
// tests of both writers assert on it.
Events sample_run();
inline const std::string k_hostile_name =
    "evil <&\"'>]]> \x01\x1b[31mred\x1b[0m \xff\xfe # not a directive";
// What the hostile name becomes once sanitised.
inline const std::string k_hostile_name_clean =
    "evil <&\"'>]]> \xEF\xBF\xBDred \xEF\xBF\xBD\xEF\xBF\xBD # not a directive";
inline const std::string k_hostile_output =
    "first ]]> <b>&amp;</b>\r\n\x07" "bell\x1b[1mbold\x1b[0m\n\xc3\x28 bad utf-8 \xe2\x82\xac euro\n"
    "  ...\n  ---\nkey: value\n";
inline const std::string k_hostile_output_clean =
    "first ]]> <b>&amp;</b>\n\xEF\xBF\xBD" "bellbold\n\xEF\xBF\xBD( bad utf-8 \xe2\x82\xac euro\n"
    "  ...\n  ---\nkey: value\n";
// The TAP the "tap subtests" target prints: KTAP-style nesting included.
extern const std::string k_subtest_tap;

}  // namespace vmtest::report_testing
