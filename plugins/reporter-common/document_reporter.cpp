#include "document_reporter.hpp"

namespace vmtest::report {

DocumentReporter::DocumentReporter(sdk::Host host, const nlohmann::json& config, Renderer render)
    : m_host(host), m_output(config), m_render(std::move(render)) {}

void DocumentReporter::event(const nlohmann::json& event) {
    const sdk::Event typed = sdk::parse_event(event);
    m_recorder.record(typed);
    if (std::holds_alternative<sdk::TargetFinished>(typed)) {
        try {
            m_output.update(m_render(m_recorder.run()));
        } catch (const std::exception& e) {
            // Throwing here would get this reporter dropped; finish() tries
            // again and reports for good.
            m_host.warn(e.what());
        }
    }
}

void DocumentReporter::finish() {
    m_output.write(m_render(m_recorder.run()));
    m_host.debug("report written to " + m_output.describe());
}

}  // namespace vmtest::report
