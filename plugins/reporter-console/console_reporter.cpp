// The console reporter: what a person watching vmtest sees.
//
//   => <target>
//   ===> Booting            (on a terminal these stage lines redraw in place)
//   <the command's output, as it arrives>
//   <the kernel's splats, if it logged any>
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
//
// Targets running side by side (-j): vmtest hands each target's events over
// as one block once it finished, in the targets' order, so the console
// prints them as above, one target after the other. Meanwhile `progress`
// events (ABI 1.2) list the running targets; on a terminal they become one
// status line per target below everything else, redrawn in place and
// erased before the next block is printed:
//
//   build-6.1    Running command   12s
//   build-6.6    done (pass)       8s
//
// Off a terminal they are ignored: a log gets the blocks only.
#include <algorithm>
#include <string>
#include <sys/ioctl.h>
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

    void event(const nlohmann::json& json) override {
        const sdk::Event event = sdk::parse_event(json);
        if (const auto* progress = std::get_if<sdk::Progress>(&event)) {
            show_progress(*progress);
            return;
        }
        erase_status();
        if (const auto* started = std::get_if<sdk::TargetStarted>(&event)) {
            end_stage_line();
            write_line(bold("=> " + started->target));
        } else if (const auto* stage = std::get_if<sdk::Stage>(&event)) {
            show_stage(stage->label.empty() ? stage->stage : stage->label);
        } else if (const auto* output = std::get_if<sdk::Output>(&event)) {
            end_stage_line();
            write_output(output->stream == "stderr", output->bytes());
        } else if (const auto* finished = std::get_if<sdk::TargetFinished>(&event)) {
            finish_target(*finished);
        } else if (std::holds_alternative<sdk::RunFinished>(event)) {
            end_stage_line();
        }
    }

    void finish() override {
        erase_status();
        end_stage_line();
        end_output_line();
    }

  private:
    void finish_target(const sdk::TargetFinished& event) {
        end_stage_line();
        show_splats(event);
        if (event.result == "pass") {
            write_line(paint("32", "PASS"));
            return;
        }
        std::string why = event.error.value_or("");
        if (why.empty() && event.exit_code) {
            why = "command exited with status " + std::to_string(*event.exit_code);
        }
        if (!event.boot_log_tail.empty()) {
            write_line("--- last lines of the guest's boot log ---");
            for (const auto& line : event.boot_log_tail) {
                write_line(line);
            }
            write_line("---");
        }
        if (!event.boot_log.empty()) {
            write_line("boot log: " + event.boot_log);
        }
        write_line(paint("31", "FAILED") + (why.empty() ? "" : " (" + why + ")"));
    }

    // What the guest kernel reported (Since 1.3), whole, whether it failed
    // the target (kernel_splats = "fail") or not ("warn").
    void show_splats(const sdk::TargetFinished& event) {
        if (!event.splats || event.splats->empty()) {
            return;
        }
        for (const auto& splat : *event.splats) {
            write_line(paint("33", "--- the guest kernel logged a splat (" + splat.kind + ") ---"));
            write_line(splat.text);
        }
        write_line("---");
        if (event.dmesg) {
            write_line("kernel log: " + *event.dmesg);
        }
    }

    // One line per running target, below the blocks printed so far.
    void show_progress(const sdk::Progress& progress) {
        if (!m_tty) {
            return;
        }
        erase_status();
        end_stage_line();
        const std::size_t width = terminal_width();
        for (const auto& target : progress.targets) {
            const std::string line = target.target + "  " +
                                     (target.result        ? "done (" + *target.result + ")"
                                      : target.label.empty() ? "Starting"
                                                             : target.label) +
                                     "  " + elapsed_text(target.elapsed_s);
            write_own(paint("2", fit(line, width)) + "\n");
            ++m_status_lines;
        }
    }

    void erase_status() {
        if (m_status_lines > 0) {
            write_all(m_fd, "\033[" + std::to_string(m_status_lines) + "A\r\033[J");
            m_status_lines = 0;
        }
    }

    static std::string elapsed_text(double seconds) {
        const long whole = static_cast<long>(std::max(0.0, seconds));
        if (whole < 60) {
            return std::to_string(whole) + "s";
        }
        const std::string rest = std::to_string(whole % 60);
        return std::to_string(whole / 60) + "m" + (rest.size() < 2 ? "0" : "") + rest + "s";
    }

    // A status line that wrapped would take two rows, and erasing would
    // leave one behind: cut it to the terminal's width, at a character edge.
    static std::string fit(std::string line, std::size_t width) {
        if (line.size() < width) {
            return line;
        }
        std::size_t cut = width > 1 ? width - 1 : 0;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        line.resize(cut);
        return line;
    }

    std::size_t terminal_width() const {
        winsize size{};
        if (::ioctl(m_fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
            return size.ws_col;
        }
        return 80;
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
    std::size_t m_status_lines = 0;   // progress lines drawn at the bottom (terminal only)
};

}  // namespace

VMTEST_REPORTER_PLUGIN(ConsoleReporter, "console", "0.1.0",
                       "Human-readable progress and output on the terminal")
