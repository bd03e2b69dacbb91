#include "run/kernel_log_capture.hpp"

#include <array>
#include <fstream>

#include <spdlog/spdlog.h>

namespace vmtest::run {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto k_poll = std::chrono::milliseconds(100);
// A backend makes its channels' sockets one after another as it starts
// (QEMU: its chardevs, in command-line order, before the guest runs). The
// host asks for this one once an earlier channel's socket answered, so it
// appears within moments, unless the backend does not carry it at all; a
// loaded host can still put a few milliseconds between the two (seen: a
// run that kept no .dmesg while compilers shared its two cores).
constexpr auto k_appear_limit = std::chrono::seconds(1);
constexpr auto k_appear_poll = std::chrono::milliseconds(10);
constexpr auto k_connect_limit = std::chrono::seconds(2);

bool appears(const std::filesystem::path& socket) {
    const auto give_up = Clock::now() + k_appear_limit;
    while (!std::filesystem::exists(socket)) {
        if (Clock::now() >= give_up) {
            return false;
        }
        std::this_thread::sleep_for(k_appear_poll);
    }
    return true;
}

}  // namespace

KernelLogCapture::KernelLogCapture(std::filesystem::path file) : m_file(std::move(file)) {}

KernelLogCapture::~KernelLogCapture() {
    finish(std::chrono::milliseconds(0));
}

bool KernelLogCapture::start(const std::string& socket) {
    if (!appears(socket)) {
        return false;
    }
    try {
        m_socket = protocol::UnixSocket::connect(socket, Clock::now() + k_connect_limit);
    } catch (const std::exception& e) {
        spdlog::debug("kernel log channel {}: {}", socket, e.what());
        return false;
    }
    // The file exists from now on, also when the guest never writes to it.
    std::ofstream(m_file, std::ios::binary | std::ios::trunc);
    m_thread = std::thread([this] { read_all(); });
    return true;
}

void KernelLogCapture::read_all() {
    std::array<char, 64 * 1024> buffer{};
    try {
        while (!m_stop) {
            if (!m_socket.wait_readable(Clock::now() + k_poll)) {
                continue;
            }
            const auto read = m_socket.read_available(buffer);
            if (read.status == protocol::UnixSocket::ReadStatus::end_of_stream) {
                break;
            }
            if (read.status == protocol::UnixSocket::ReadStatus::data) {
                append(m_formatter.feed(std::string_view(buffer.data(), read.size)));
            }
        }
    } catch (const std::exception& e) {
        m_error = e.what();
    }
    m_ended = true;
}

void KernelLogCapture::append(const std::string& text) {
    if (text.empty()) {
        return;
    }
    std::ofstream out(m_file, std::ios::binary | std::ios::app);
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + m_file.string());
    }
}

void KernelLogCapture::finish(std::chrono::milliseconds limit) {
    if (!m_thread.joinable()) {
        return;
    }
    const auto deadline = Clock::now() + limit;
    while (!m_ended && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    m_stop = true;
    m_thread.join();
    m_socket.close();
    try {
        append(m_formatter.finish());
    } catch (const std::exception& e) {
        m_error = e.what();
    }
    if (!m_error.empty()) {
        spdlog::warn("the guest kernel's log is incomplete: {}", m_error);
    }
}

}  // namespace vmtest::run
