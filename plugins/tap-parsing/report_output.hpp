// Where a report goes: a file, replaced atomically, or standard output.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace vmtest::report {

// Writes `content` to `file` so that readers see the old file or the whole
// new one, never a part: a temporary file in the same directory, flushed
// to disk, then renamed over `file`. Creates missing parent directories.
// Throws std::runtime_error naming the file and the reason.
void write_file_atomically(const std::filesystem::path& file, const std::string& content);

class ReportOutput {
  public:
    // The reporter config: {"path": "/abs/file"}, or {} for stdout. The
    // file's directory is created here, and a file that cannot be written
    // there is refused here, before any VM boots, rather than after the run.
    explicit ReportOutput(const nlohmann::json& config);

    bool is_file() const { return m_file.has_value(); }
    std::string describe() const;  // "/abs/results.xml" or "stdout"
    void write(const std::string& content) const;

  private:
    std::optional<std::filesystem::path> m_file;
};

}  // namespace vmtest::report
