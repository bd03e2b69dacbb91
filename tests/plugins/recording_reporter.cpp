// A well-formed reporter written with the SDK's C++ wrapper: it appends
// every event's type to the file named in its config (the whole event, as
// one line of JSON, with {"whole": true}), and refuses a config without a
// path (to test create() errors crossing the boundary). An event of type or
// target "explode" makes it throw.
#include <fstream>

#include "vmtest/sdk/plugin.hpp"

namespace {

class RecordingReporter : public vmtest::sdk::Reporter {
  public:
    RecordingReporter(vmtest::sdk::Host host, const nlohmann::json& config)
        : m_path(config.value("path", "")), m_whole(config.value("whole", false)) {
        if (m_path.empty()) {
            throw vmtest::sdk::Error("recording reporter needs a path");
        }
        host.debug("recording to " + m_path);
    }
    void event(const nlohmann::json& event) override {
        if (event.value("type", "") == "explode" || event.value("target", "") == "explode") {
            throw std::runtime_error("asked to explode");
        }
        std::ofstream(m_path, std::ios::app)
            << (m_whole ? event.dump() : event.value("type", "?")) << "\n";
    }
    void finish() override { std::ofstream(m_path, std::ios::app) << "finish\n"; }

  private:
    std::string m_path;
    bool m_whole;
};

}  // namespace

VMTEST_REPORTER_PLUGIN(RecordingReporter, "recording", "1.2.3", "Records event types to a file")
