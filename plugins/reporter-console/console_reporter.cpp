// The console reporter: what a person watching vmtest sees.
//
//   => <target>
//   ===> Booting            (on a terminal these stage lines redraw in place)
//   <the command's output, as it arrives>
//   PASS | FAILED (<why>)
//
// Off a terminal (CI logs), or with VMTEST_NO_UI set, every line is printed
// plainly once; NO_COLOR turns colour off. The host decides both and passes
// them in the config: {"fd": 1|2, "tty": bool, "color": bool}.
//
// The command's output is written byte for byte, as it arrives: its stdout
// to the console's fd, its stderr to fd 2. Nothing is re-encoded, and no
// byte is added inside it. When the output stops in the middle of a line
// and the console has something of its own to print (a stage line, PASS),
// it first ends that line with a newline, so its own line never sticks to
// the output (`xxxx===> Shutting down`) nor, on a terminal, overwrites it.
// That newline only ever goes where the console writes its own lines too;
// a stream that carries nothing but the command's bytes (fd 2 when it is
// another file than the console's fd, e.g. `2>errors.log`) never gets one.
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "vmtest/sdk/plugin.hpp"

namespace {

using namespace vmtest;

class ConsoleReporter : public sdk::Reporter {
  public:
    ConsoleReporter(sdk::Host, const nlohmann::json& config)
        : m_fd(config.value("fd", 1)), m_tty(config.value("tty", false)),
          m_color(config.value("color", false)), m_stderr_shared(same_file(m_fd, 2)) {}

    void event(const nlohmann::json& event) override {
        const std::string type = event.value("type", "");
        if (type == "target_started") {
            end_stage_line();
            write_line(bold("=> " + event.value("target", "")));
        } else if (type == "stage") {
            show_stage(event.value("label", event.value("stage", "")));
        } else if (type == "output") {
            end_stage_line();
            write_output(event.value("stream", "stdout") == "stderr", sdk::output_bytes(event));
        } else if (type == "target_finished") {
            finish_target(event);
        } else if (type == "run_finished") {
            end_stage_line();
        }
    }

    void finish() override {
        end_stage_line();
        end_output_line();
    }

  private:
    void finish_target(const nlohmann::json& event) {
        end_stage_line();
        const std::string result = event.value("result", "error");
        if (result == "pass") {
            write_line(paint("32", "PASS"));
            return;
        }
        std::string why = event.value("error", "");
        if (why.empty() && event.contains("exit_code")) {
            why = "command exited with status " + std::to_string(event.value("exit_code", 0));
        }
        const auto tail = event.value("boot_log_tail", std::vector<std::string>{});
        if (!tail.empty()) {
            write_line("--- last lines of the guest's boot log ---");
            for (const auto& line : tail) {
                write_line(line);
            }
            write_line("---");
        }
        if (const std::string log = event.value("boot_log", ""); !log.empty()) {
            write_line("boot log: " + log);
        }
        write_line(paint("31", "FAILED") + (why.empty() ? "" : " (" + why + ")"));
    }

    void show_stage(const std::string& label) {
        const std::string line = "===> " + label;
        if (m_tty) {
            // Redraw the stage line in place; a newline comes with output.
            write_own("\r\033[K" + paint("2", line));
            m_stage_open = true;
        } else {
            write_line(line);
        }
    }

    // The command's bytes, unchanged: stdout to the console's fd, stderr to 2.
    void write_output(bool to_stderr, const std::string& bytes) {
        if (bytes.empty()) {
            return;
        }
        write_all(to_stderr ? 2 : m_fd, bytes);
        // Output to another file than the console's cannot glue to its lines.
        if (!to_stderr || m_stderr_shared) {
            m_output_line_open = bytes.back() != '\n';
        }
    }

    // Ends a line the command's output left open, before the console's own text.
    void end_output_line() {
        if (m_output_line_open) {
            write_all(m_fd, "\n");
            m_output_line_open = false;
        }
    }

    void end_stage_line() {
        if (m_stage_open) {
            write_all(m_fd, "\r\033[K");
            m_stage_open = false;
        }
    }

    std::string paint(const char* code, const std::string& text) const {
        return m_color ? "\033[" + std::string(code) + "m" + text + "\033[0m" : text;
    }
    std::string bold(const std::string& text) const { return paint("1", text); }

    // Everything the console prints of its own goes through here.
    void write_own(const std::string& text) {
        end_output_line();
        write_all(m_fd, text);
    }
    void write_line(const std::string& text) { write_own(text + "\n"); }

    // Whether two descriptors lead to the same file (one terminal, or `2>&1`).
    static bool same_file(int a, int b) {
        struct stat first {};
        struct stat second {};
        if (a == b) {
            return true;
        }
        return ::fstat(a, &first) == 0 && ::fstat(b, &second) == 0 &&
               first.st_dev == second.st_dev && first.st_ino == second.st_ino;
    }

    static void write_all(int fd, const std::string& data) {
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
            if (n <= 0) {
                return;  // the console went away; nothing better to do
            }
            done += static_cast<std::size_t>(n);
        }
    }

    int m_fd;
    bool m_tty;
    bool m_color;
    bool m_stderr_shared;  // fd 2 is the console's file: its output lines count too
    bool m_stage_open = false;
    bool m_output_line_open = false;  // the console's file ends inside an output line
};

}  // namespace

VMTEST_REPORTER_PLUGIN(ConsoleReporter, "console", "0.1.0",
                       "Human-readable progress and output on the terminal")
