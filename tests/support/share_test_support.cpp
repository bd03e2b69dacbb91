#include "share_test_support.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace vmtest::shares_test {

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
