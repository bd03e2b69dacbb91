#include "run/kernel_log_records.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace vmtest::run {

namespace {

constexpr std::array<const char*, 8> k_levels = {"emerg", "alert",  "crit", "err",
                                                 "warn",  "notice", "info", "debug"};
// syslog(3)'s facilities, by number.
constexpr std::array<const char*, 24> k_facilities = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog",   "lpr",     "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "security", "console", "solaris-cron",
    "local0", "local1", "local2",   "local3", "local4", "local5",   "local6",  "local7"};

bool parse_number(std::string_view text, std::uint64_t& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc{} && end == text.data() + text.size() && !text.empty();
}

// The text with every byte that is not printable ASCII (and every '\' not
// starting an escape /dev/kmsg made) as /dev/kmsg escapes it: \xNN.
std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e) {
            char escape[5];
            std::snprintf(escape, sizeof escape, "\\x%02x", byte);
            out += escape;
        } else {
            out += c;
        }
    }
    return out;
}

std::string level_name(std::uint64_t prefix) {
    const std::uint64_t facility = prefix >> 3;
    const std::string level = k_levels[prefix & 7];
    if (facility == 0) {
        return level;
    }
    const std::string facility_name = facility < k_facilities.size()
                                          ? k_facilities[facility]
                                          : "facility" + std::to_string(facility);
    return facility_name + "." + level;
}

}  // namespace

std::string KernelLogFormatter::feed(std::string_view bytes) {
    std::string out;
    for (;;) {
        const auto newline = bytes.find('\n');
        if (newline == std::string_view::npos) {
            m_partial.append(bytes);
            return out;
        }
        m_partial.append(bytes.substr(0, newline));
        bytes.remove_prefix(newline + 1);
        out += format_line(m_partial);
        m_partial.clear();
    }
}

std::string KernelLogFormatter::finish() {
    std::string out;
    if (!m_partial.empty()) {
        out = format_line(m_partial);
        m_partial.clear();
    }
    return out;
}

std::string KernelLogFormatter::format_line(std::string_view line) {
    // Dictionary lines of the record before ("KEY=value" after a space).
    if (line.empty() || line.front() == ' ') {
        return "";
    }
    const auto semicolon = line.find(';');
    const std::string_view header = line.substr(0, semicolon);
    std::uint64_t fields[3] = {};
    std::size_t count = 0;
    std::string_view rest = header;
    while (count < 3) {
        const auto comma = rest.find(',');
        if (comma == std::string_view::npos ||
            !parse_number(rest.substr(0, comma), fields[count])) {
            break;
        }
        rest.remove_prefix(comma + 1);
        ++count;
    }
    if (semicolon == std::string_view::npos || count < 3) {
        // Not a record: kept, marked, so nothing the guest sent is hidden.
        return "[vmtest] unreadable kernel log record: " + printable(line) + "\n";
    }
    const auto [prefix, sequence, microseconds] = fields;
    ++m_records;
    std::string out;
    if (m_next_sequence && sequence > *m_next_sequence) {
        const std::uint64_t missing = sequence - *m_next_sequence;
        m_lost += missing;
        out += "[vmtest] " + std::to_string(missing) +
               " kernel log record(s) lost: overwritten before the guest init read them\n";
    }
    m_next_sequence = sequence + 1;
    char time[32];
    std::snprintf(time, sizeof time, "[%5llu.%06llu] ",
                  static_cast<unsigned long long>(microseconds / 1000000),
                  static_cast<unsigned long long>(microseconds % 1000000));
    out += time;
    out += "<" + level_name(prefix) + "> ";
    out += printable(line.substr(semicolon + 1));
    out += '\n';
    return out;
}

std::string_view kernel_log_message(std::string_view line) {
    // "[" spaces digits "." digits "] <" name "> "
    std::size_t i = 0;
    if (line.size() < 4 || line[i++] != '[') {
        return line;
    }
    while (i < line.size() && line[i] == ' ') {
        ++i;
    }
    const std::size_t digits = i;
    while (i < line.size() && ((line[i] >= '0' && line[i] <= '9') || line[i] == '.')) {
        ++i;
    }
    if (i == digits || line.substr(i, 3) != "] <") {
        return line;
    }
    const auto close = line.find("> ", i + 3);
    if (close == std::string_view::npos || line.find(' ', i + 3) < close) {
        return line;
    }
    return line.substr(close + 2);
}

}  // namespace vmtest::run
