#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "process_table.hpp"
#include "temp_dir.hpp"

namespace vmtest::shares_test {

// The tests' one temporary directory (temp_dir.hpp).
using TempDir = test_support::TempDir;

// Sets an environment variable for one scope, restoring the old value.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const std::string& value);
    ~ScopedEnv();

  private:
    std::string m_name;
    bool m_had = false;
    std::string m_old;
};

using test_support::processes_mentioning;

// processes_mentioning(), once `count` processes mention `needle` or after
// 5 s: a daemon is started with fork and exec, and a share is ready as soon
// as its socket listens, so the daemon may still carry its parent's
// command line for a moment.
std::vector<std::string> processes_mentioning_eventually(const std::string& needle,
                                                         std::size_t count);

bool is_root();
// The virtiofsd this machine has, or empty.
std::filesystem::path installed_virtiofsd();

}  // namespace vmtest::shares_test
