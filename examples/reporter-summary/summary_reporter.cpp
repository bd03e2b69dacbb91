// A reporter that writes one line per target ("PASS name 4.2s") and a total,
// to the file given as --reporter summary=PATH (stdout without a path).
// Written against the public SDK only; see sdk/README.md.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <vmtest/sdk/plugin.hpp>

namespace {

class SummaryReporter : public vmtest::sdk::Reporter {
  public:
    SummaryReporter(vmtest::sdk::Host host, const nlohmann::json& config)
        : m_host(host), m_path(config.value("path", "")) {}

    void event(const nlohmann::json& json) override {
        // Typed events (Since ABI 1.2): every other type, also one newer
        // than this SDK, is ignored.
        const vmtest::sdk::Event event = vmtest::sdk::parse_event(json);
        const auto* finished = std::get_if<vmtest::sdk::TargetFinished>(&event);
        if (finished == nullptr) {
            return;
        }
        const bool passed = finished->result == "pass";
        m_failed += !passed;
        ++m_total;
        char duration[32];
        std::snprintf(duration, sizeof duration, "%.1fs", finished->duration_s);
        m_text << (passed ? "PASS" : "FAIL") << " " << finished->target << " " << duration << "\n";
    }

    void finish() override {
        m_text << m_total - m_failed << "/" << m_total << " passed\n";
        if (m_path.empty()) {
            std::cout << m_text.str() << std::flush;
            return;
        }
        std::ofstream(m_path) << m_text.str();
        m_host.debug("summary written to " + m_path);
    }

  private:
    vmtest::sdk::Host m_host;
    std::string m_path;
    std::ostringstream m_text;
    int m_total = 0;
    int m_failed = 0;
};

}  // namespace

VMTEST_REPORTER_PLUGIN(SummaryReporter, "summary", "1.0.0",
                       "One line per target and a total (example out-of-tree plugin)")
