#include "e2e_fixture.hpp"

#include <fstream>
#include <sstream>

namespace vmtest::e2e {

void E2E::SetUp() {
    if (m_kernel.empty()) {
        GTEST_SKIP() << "no kernel in /boot (install linux-image-amd64)";
    }
    m_release = release_of(m_kernel);
    m_temp.emplace();
    m_root = m_temp->path();
    m_project = m_root / "project dir";  // a space, to catch quoting bugs
    m_runtime = m_root / "run";
    std::filesystem::create_directories(m_project);
    std::filesystem::create_directories(m_runtime);
}

void E2E::TearDown() {
    if (!m_temp) {
        return;
    }
    EXPECT_TRUE(qemu_processes_mentioning(m_root.string()).empty()) << "QEMU left running";
    EXPECT_TRUE(std::filesystem::is_empty(m_runtime)) << "runtime directory left behind";
    m_temp.reset();
}

VmtestProcess::Options E2E::options(std::vector<std::string> args) const {
    return {std::move(args),
            m_project,
            {{"XDG_RUNTIME_DIR", m_runtime.string()},
             {"XDG_STATE_HOME", (m_root / "state").string()},
             {"VMTEST_CACHE_DIR", VMTEST_E2E_CACHE_DIR},
             {"VMTEST_NO_UI", "1"},
             {"NO_COLOR", "1"}}};
}

RunResult E2E::vmtest(std::vector<std::string> args, std::chrono::seconds timeout) const {
    return run_vmtest(options(std::move(args)), timeout);
}

void E2E::write_file(const std::filesystem::path& relative, const std::string& text) const {
    std::ofstream(m_project / relative) << text;
}

std::string E2E::read_file(const std::filesystem::path& relative) const {
    std::ifstream in(m_project / relative);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string describe(const RunResult& result) {
    return "exit status " + std::to_string(result.status) + " after " +
           std::to_string(result.seconds) + " s\n--- stdout ---\n" + result.out +
           "\n--- stderr ---\n" + result.err;
}

}  // namespace vmtest::e2e
