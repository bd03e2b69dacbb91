#include "share_test_support.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace vmtest::shares_test {

TempDir::TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "vmtest-shares.XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

RecordingHost::RecordingHost() {
    m_api.struct_size = sizeof(m_api);
    m_api.context = this;
    m_api.log = [](void* context, int, const char* message) {
        static_cast<RecordingHost*>(context)->m_lines.emplace_back(message);
    };
    m_api.should_stop = [](void*) { return 0; };
    m_api.output = [](void*, int, const char*, size_t) {};
}

ScopedEnv::ScopedEnv(const char* name, const std::string& value) : m_name(name) {
    if (const char* old = std::getenv(name)) {
        m_had = true;
        m_old = old;
    }
    setenv(name, value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() {
    if (m_had) {
        setenv(m_name.c_str(), m_old.c_str(), 1);
    } else {
        unsetenv(m_name.c_str());
    }
}

std::vector<std::string> processes_mentioning_eventually(const std::string& needle,
                                                         std::size_t count) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    auto found = processes_mentioning(needle);
    while (found.size() != count && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        found = processes_mentioning(needle);
    }
    return found;
}

bool is_root() { return geteuid() == 0; }

std::filesystem::path installed_virtiofsd() {
    for (const char* candidate : {"/usr/lib/qemu/virtiofsd", "/usr/libexec/virtiofsd"}) {
        if (access(candidate, X_OK) == 0) {
            return candidate;
        }
    }
    return {};
}

}  // namespace vmtest::shares_test
