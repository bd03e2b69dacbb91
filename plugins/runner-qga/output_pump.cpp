#include "output_pump.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <span>
#include <thread>
#include <utility>

#include "vmtest/plugin-support/errors.hpp"

namespace vmtest::runner_qga {
namespace {

constexpr std::size_t k_chunk_size = 64 * 1024;

}  // namespace

OutputPump::OutputPump(Sink sink, std::vector<Source> sources)
    : m_sink(std::move(sink)), m_sources(std::move(sources)), m_ended(m_sources.size(), false) {
    for (std::size_t i = 0; i < m_sources.size(); ++i) {
        m_ended[i] = !m_sources[i].socket || !m_sources[i].socket->is_open();
    }
}

bool OutputPump::pump_once(int timeout_ms) {
    std::vector<pollfd> entries;
    std::vector<std::size_t> owners;
    for (std::size_t i = 0; i < m_sources.size(); ++i) {
        if (!m_ended[i]) {
            entries.push_back({m_sources[i].socket->fd(), POLLIN, 0});
            owners.push_back(i);
        }
    }
    if (entries.empty()) {
        // Both ports gone (the emulator is going away): just let time pass
        // so the caller's status polling keeps its pace.
        std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
        return false;
    }
    const int ready = ::poll(entries.data(), entries.size(), timeout_ms);
    if (ready < 0) {
        if (errno == EINTR) {
            return false;
        }
        throw protocol::ProtocolError(std::string("poll failed: ") + std::strerror(errno));
    }
    bool forwarded = false;
    std::array<char, k_chunk_size> chunk;
    for (std::size_t k = 0; k < entries.size(); ++k) {
        if (entries[k].revents == 0) {
            continue;
        }
        const std::size_t i = owners[k];
        const auto result = m_sources[i].socket->read_available(chunk);
        if (result.status == protocol::UnixSocket::ReadStatus::data) {
            m_sink(m_sources[i].stream, std::string_view(chunk.data(), result.size));
            forwarded = true;
        } else if (result.status == protocol::UnixSocket::ReadStatus::end_of_stream) {
            m_ended[i] = true;
        }
    }
    return forwarded;
}

void OutputPump::pump_for(std::chrono::milliseconds duration,
                          const protocol::StopPredicate& should_stop) {
    const protocol::Deadline deadline = protocol::deadline_after(duration);
    do {
        if (protocol::stop_requested(should_stop)) {
            throw protocol::CancelledError("stopped while the command ran");
        }
        pump_once(protocol::poll_timeout_ms(deadline, protocol::k_stop_poll_interval));
    } while (protocol::Clock::now() < deadline);
}

void OutputPump::drain(std::chrono::milliseconds quiet, std::chrono::milliseconds limit,
                       const protocol::StopPredicate& should_stop) {
    const protocol::Deadline hard_deadline = protocol::deadline_after(limit);
    protocol::Deadline quiet_deadline = std::min(protocol::deadline_after(quiet), hard_deadline);
    while (protocol::Clock::now() < quiet_deadline && !protocol::stop_requested(should_stop)) {
        if (pump_once(protocol::poll_timeout_ms(quiet_deadline, protocol::k_stop_poll_interval))) {
            quiet_deadline = std::min(protocol::deadline_after(quiet), hard_deadline);
        }
    }
}

}  // namespace vmtest::runner_qga
