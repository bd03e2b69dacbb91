#include "run/kernel_splats.hpp"

#include <algorithm>
#include <optional>
#include <regex>

#include "run/kernel_log_records.hpp"

namespace vmtest::run {

namespace {

struct Line {
    std::string_view text;    // as in the log
    std::string_view message;  // without the time and level
};

struct StartPattern {
    const char* kind;
    std::regex pattern;  // matched at the message's start
};

// Most specific first: "BUG: KASAN:" is kasan before it is bug.
const std::vector<StartPattern>& start_patterns() {
    static const std::vector<StartPattern> patterns = [] {
        const auto p = [](const char* kind, const char* regex) {
            return StartPattern{kind, std::regex(regex, std::regex::optimize)};
        };
        return std::vector<StartPattern>{
            p("kasan", "^BUG: KASAN: "),
            p("kfence", "^BUG: KFENCE: "),
            p("soft_lockup", "^watchdog: BUG: soft lockup"),
            p("hard_lockup", "^watchdog: Watchdog detected hard LOCKUP"),
            p("lockdep", "^WARNING: (possible (circular|recursive) locking|inconsistent lock state|"
                         "possible irq lock inversion|bad unlock balance|held lock freed|"
                         "lock held when returning|suspicious RCU usage|.*-safe -> .*-unsafe lock "
                         "order|Nested lock was not taken|lock held by)"),
            p("ubsan", "^UBSAN: "),
            p("refcount", "^refcount_t: "),
            p("rcu_stall", "^(rcu: )?INFO: rcu_[a-z_]+ (self-)?detected stalls?"),
            p("hung_task", "^INFO: task .* blocked for more than "),
            p("general_protection_fault", "^general protection fault"),
            p("oops", "^(Oops: |Internal error: Oops)"),
            p("bug", "^(BUG: |kernel BUG at )"),
            p("warning", "^WARNING: "),
        };
    }();
    return patterns;
}

std::optional<const char*> splat_kind(std::string_view message) {
    // Cheap test first: every pattern starts with one of these letters.
    if (message.empty() ||
        std::string_view("BWwUrIigOk").find(message.front()) == std::string_view::npos) {
        return std::nullopt;
    }
    for (const auto& start : start_patterns()) {
        if (std::regex_search(message.begin(), message.end(), start.pattern,
                              std::regex_constants::match_continuous)) {
            return start.kind;
        }
    }
    return std::nullopt;
}

bool is_separator(std::string_view message) {
    return message.size() >= 10 && message.find_first_not_of('=') == std::string_view::npos;
}

bool is_cut_here(std::string_view message) {
    return message.find("[ cut here ]") != std::string_view::npos;
}

bool is_end_trace(std::string_view message) {
    return message.starts_with("---[ end trace");
}

bool is_call_trace(std::string_view message) {
    return message.starts_with("Call Trace:") || message.starts_with("Call trace:");
}

// The registers x86 prints inside a call trace, for the user-mode context
// a trace ends in ("RIP: 0033:0x7f..." before " </TASK>"): each line of
// __show_regs() starts with one of these.
bool is_register_line(std::string_view message) {
    static const std::regex k_registers("^(RIP|Code|RSP|RAX|RDX|RBP|R10|R13|FS|CS|CR2|DR0|DR3|"
                                        "PKRU): ",
                                        std::regex::optimize);
    return std::regex_search(message.begin(), message.end(), k_registers,
                             std::regex_constants::match_continuous);
}

// A line of a call trace: indented (a tab comes escaped from /dev/kmsg), or
// the registers of the context it shows.
bool is_trace_line(std::string_view message) {
    return message.starts_with(' ') || message.starts_with('\t') ||
           message.starts_with("\\x09") || is_register_line(message);
}

// Reports that close with a "=====" line of their own.
bool closes_with_separator(std::string_view kind) {
    return kind == "kasan" || kind == "ubsan" || kind == "kfence";
}

// A splat start that belongs to the splat before it: the Oops line after
// "BUG: kernel NULL pointer dereference", the WARNING after "refcount_t:".
bool continues(std::string_view kind, std::string_view next_kind) {
    return next_kind == "oops" || (kind == "refcount" && next_kind == "warning");
}

// How many lines after the end of a call trace its "---[ end trace" may
// come ("Modules linked in", "CR2", a register dump).
constexpr std::size_t k_end_trace_lookahead = 30;

// One past the splat's last line.
std::size_t splat_end(const std::vector<Line>& lines, std::size_t first, std::string_view kind) {
    const std::size_t limit = std::min(lines.size(), first + k_max_splat_lines);
    bool in_trace = false;
    for (std::size_t i = first + 1; i < limit; ++i) {
        const std::string_view message = lines[i].message;
        if (is_end_trace(message)) {
            return i + 1;
        }
        if (closes_with_separator(kind)) {
            if (is_separator(message)) {
                return i + 1;
            }
            continue;
        }
        if (const auto next = splat_kind(message); next && !continues(kind, *next)) {
            return i;
        }
        if (is_call_trace(message)) {
            in_trace = true;
        } else if (in_trace && !is_trace_line(message)) {
            // The trace ended; its end line may still follow (an Oops prints
            // the modules and CR2 first). Without one, the trace was the end.
            const std::size_t look = std::min(limit, i + k_end_trace_lookahead);
            for (std::size_t j = i; j < look; ++j) {
                if (is_end_trace(lines[j].message)) {
                    return j + 1;
                }
                if (splat_kind(lines[j].message) || is_cut_here(lines[j].message)) {
                    break;
                }
            }
            return i;
        }
    }
    return limit;
}

std::vector<Line> split_lines(std::string_view log) {
    std::vector<Line> lines;
    while (!log.empty()) {
        const auto newline = log.find('\n');
        std::string_view text = log.substr(0, newline);
        log.remove_prefix(newline == std::string_view::npos ? log.size() : newline + 1);
        if (!text.empty() && text.back() == '\r') {
            text.remove_suffix(1);
        }
        lines.push_back({text, kernel_log_message(text)});
    }
    return lines;
}

}  // namespace

std::vector<sdk::KernelSplat> find_kernel_splats(std::string_view log) {
    const std::vector<Line> lines = split_lines(log);
    std::vector<sdk::KernelSplat> splats;
    std::size_t i = 0;
    while (i < lines.size()) {
        const auto kind = splat_kind(lines[i].message);
        if (!kind) {
            ++i;
            continue;
        }
        std::size_t first = i;
        if (first > 0 &&
            (is_cut_here(lines[first - 1].message) || is_separator(lines[first - 1].message))) {
            --first;
        }
        const std::size_t end = splat_end(lines, i, *kind);
        sdk::KernelSplat splat;
        splat.kind = *kind;
        splat.title = std::string(lines[i].message);
        for (std::size_t j = first; j < end; ++j) {
            splat.text += lines[j].text;
            splat.text += j + 1 < end ? "\n" : "";
        }
        splats.push_back(std::move(splat));
        i = end;
    }
    return splats;
}

}  // namespace vmtest::run
