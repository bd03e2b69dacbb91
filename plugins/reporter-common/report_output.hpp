// Where a report goes: a file, replaced atomically; a device or FIFO,
// written as a stream; or standard output. Never what would destroy what
// the path names.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace vmtest::report {

// What a report path names, once symbolic links are followed.
struct ReportPath {
    enum class Kind {
        // A regular file, or nothing yet: replaced atomically, so readers
        // see the old report or the whole new one.
        file,
        // A character device or a FIFO (/dev/null, /dev/stdout on a pipe, a
        // named pipe): opened and written once, never replaced or created.
        stream,
    };
    // For a file, the path to replace: the file a symbolic link points to,
    // not the link. For a stream, the path as given (open() follows it).
    std::filesystem::path path;
    Kind kind = Kind::file;
};

// Decides how a report reaches `path`. Throws std::runtime_error naming the
// path for what cannot take a report without harm: a directory, a socket,
// a block device (a report would overwrite a disk), a link loop.
ReportPath resolve_report_path(const std::filesystem::path& path);

// Writes `content` to `file` so that readers see the old file or the whole
// new one, never a part: a temporary file in the same directory, flushed
// to disk, then renamed over the file. A symbolic link is followed, so the
// file it points to is replaced and the link stays. Creates missing parent
// directories; an existing file keeps its permissions. Refuses (throws)
// when `file` is anything but a regular file or a free name. Throws
// std::runtime_error naming the file and the reason.
void write_file_atomically(const std::filesystem::path& file, const std::string& content);

class ReportOutput {
  public:
    // The reporter config: {"path": "/abs/file"}, or {} for stdout. A path
    // that cannot take the report is refused here, before any VM boots,
    // rather than after the run: a directory, a socket or a block device,
    // and a file whose directory cannot be created or written (tried by
    // creating and removing a file there). The file's directory is created.
    explicit ReportOutput(const nlohmann::json& config);

    std::string describe() const;  // "/abs/results.xml" or "stdout"
    // A report in progress (after each target): written only where it
    // replaces a regular file whole, so a report exists even if vmtest is
    // killed. A stream takes one document, from write().
    void update(const std::string& content) const;
    // The final report. Throws std::runtime_error naming the path.
    void write(const std::string& content) const;

  private:
    std::optional<std::filesystem::path> m_path;
};

}  // namespace vmtest::report
