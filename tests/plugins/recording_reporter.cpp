// A well-formed reporter written with the SDK's C++ wrapper: it appends
// every event's type to the file named in its config, and refuses a config
// without one (to test create() errors crossing the boundary). An event of
// type or target "explode" makes it throw.
#include <fstream>

#include "vmtest/sdk/plugin.hpp"

namespace {

class RecordingReporter : public vmtest::sdk::Reporter {
  public:
    RecordingReporter(vmtest::sdk::Host host, const nlohmann::json& config)
        : m_path(config.value("path", "")) {
        if (m_path.empty()) {
            throw vmtest::sdk::Error("recording reporter needs a path");
        }
        host.debug("recording to " + m_path);
    }
    void event(const nlohmann::json& event) override {
        if (event.value("type", "") == "explode" || event.value("target", "") == "explode") {
            throw std::runtime_error("asked to explode");
        }
        std::ofstream(m_path, std::ios::app) << event.value("type", "?") << "\n";
    }
    void finish() override { std::ofstream(m_path, std::ios::app) << "finish\n"; }

  private:
    std::string m_path;
};

}  // namespace

VMTEST_REPORTER_PLUGIN(RecordingReporter, "recording", "1.2.3", "Records event types to a file")
