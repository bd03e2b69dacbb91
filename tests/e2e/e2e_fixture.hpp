#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "../support/temp_dir.hpp"
#include "vmtest_process.hpp"

namespace vmtest::e2e {

// Each test gets a project directory and a private runtime/state directory;
// afterwards nothing may be left: no QEMU mentioning the test's directory,
// no runtime directory. Extracted kernels and initramfs archives are cached
// across tests (as they are across a user's runs).
class E2E : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    VmtestProcess::Options options(std::vector<std::string> args) const;
    RunResult vmtest(std::vector<std::string> args,
                     std::chrono::seconds timeout = std::chrono::seconds(300)) const;
    void write_file(const std::filesystem::path& relative, const std::string& text) const;
    std::string read_file(const std::filesystem::path& relative) const;

    std::optional<test_support::TempDir> m_temp;  // made once a kernel is found
    std::filesystem::path m_root;     // everything of this test: m_temp's path
    std::filesystem::path m_project;  // the cwd vmtest runs in
    std::filesystem::path m_runtime;  // XDG_RUNTIME_DIR: where runtime dirs go
    std::filesystem::path m_kernel = debian_kernel();
    std::string m_release;
};

// "a\nb" → a gtest-friendly dump of both streams, for failure messages.
std::string describe(const RunResult& result);

}  // namespace vmtest::e2e
