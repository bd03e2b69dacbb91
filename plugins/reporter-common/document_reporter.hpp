// A reporter that renders the whole run as one document (JUnit XML, TAP)
// and writes it out: what the junit and tap plugins have in common.
#pragma once

#include <functional>
#include <string>

#include "report_output.hpp"
#include "run_record.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::report {

class DocumentReporter : public sdk::Reporter {
  public:
    using Renderer = std::function<std::string(const RunRecord&)>;

    // `config` as vmtest gives it: {"path": ...} or {} (stdout).
    DocumentReporter(sdk::Host host, const nlohmann::json& config, Renderer render);

    // A file report is rewritten after every target, so it is whole and
    // says what ran even if vmtest is killed before finish(); stdout, a
    // device or a FIFO gets the document once, at the end.
    void event(const nlohmann::json& event) override;
    void finish() override;

  private:
    sdk::Host m_host;
    ReportOutput m_output;
    Renderer m_render;
    RunRecorder m_recorder;
};

}  // namespace vmtest::report
