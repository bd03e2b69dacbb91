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
#include <string>
#include <unistd.h>

#include "vmtest/sdk/plugin.hpp"

namespace {

using namespace vmtest;

class ConsoleReporter : public sdk::Reporter {
  public:
    ConsoleReporter(sdk::Host, const nlohmann::json& config)
        : m_fd(config.value("fd", 1)), m_tty(config.value("tty", false)),
          m_color(config.value("color", false)) {}

    void event(const nlohmann::json& event) override {
        const std::string type = event.value("type", "");
        if (type == "target_started") {
            end_stage_line();
            write_line(bold("=> " + event.value("target", "")));
        } else if (type == "stage") {
            show_stage(event.value("label", event.value("stage", "")));
        } else if (type == "output") {
            end_stage_line();
            const std::string data = event.value("data", "");
            const bool to_stderr = event.value("stream", "stdout") == "stderr";
            write_all(to_stderr ? 2 : m_fd, data);
            m_output_open = !data.empty() && data.back() != '\n';
        } else if (type == "target_finished") {
            finish_target(event);
        } else if (type == "run_finished") {
            end_stage_line();
        }
    }

    void finish() override { end_stage_line(); }

  private:
    void finish_target(const nlohmann::json& event) {
        end_stage_line();
        if (m_output_open) {
            write_all(m_fd, "\n");
            m_output_open = false;
        }
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
            write_all(m_fd, "\r\033[K" + paint("2", line));
            m_stage_open = true;
        } else {
            write_line(line);
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

    void write_line(const std::string& text) { write_all(m_fd, text + "\n"); }

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
    bool m_stage_open = false;
    bool m_output_open = false;
};

}  // namespace

VMTEST_REPORTER_PLUGIN(ConsoleReporter, "console", "0.1.0",
                       "Human-readable progress and output on the terminal")
