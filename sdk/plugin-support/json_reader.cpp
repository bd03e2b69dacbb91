// Framing JSON messages on a byte stream
// ======================================
//
// QMP and the guest agent send one JSON object per message and end it with
// a newline, but nothing in either protocol promises that a message arrives
// in one read, that a read holds only one message, or that the newline is
// there at all. So the reader does not split on newlines; it counts braces.
// A message starts at a '{' and ends at the brace that brings the nesting
// depth back to zero. Braces inside strings do not count, and a string ends
// at an unescaped quote, so the framer tracks "in string" and "after a
// backslash" as well. Only once a complete object is framed is it handed to
// the JSON parser.
//
// Between messages the reader skips anything that cannot start an object:
// whitespace, the CR of a CRLF, and stale bytes left over from an earlier
// conversation. One byte is special: 0xFF never occurs in UTF-8 text, so
// the guest agent uses it as a "flush" marker - it sends one before its
// answer to guest-sync-delimited, and a client sends one to reset the
// agent's parser. The reader treats 0xFF the same way: it throws away any
// partly framed object and starts afresh after it.
//
// Pitfalls handled here: a message split across reads (state is kept
// between fills, so bytes are scanned once), a peer that never finishes an
// object (bounded by k_max_message_size and by the caller's deadline), and
// an object that frames fine but does not parse (MalformedMessage, after
// which the reader stands at the next message and can go on).
#include "vmtest/plugin-support/json_reader.hpp"

#include <array>
#include <span>

#include "vmtest/plugin-support/errors.hpp"

namespace vmtest::protocol {
namespace {

constexpr char k_flush_byte = '\xff';
constexpr std::size_t k_read_chunk = 64 * 1024;
constexpr std::size_t k_excerpt_size = 80;

}  // namespace

void JsonReader::reset_framing() {
    m_scan = 0;
    m_in_object = false;
    m_depth = 0;
    m_in_string = false;
    m_escaped = false;
}

void JsonReader::clear() {
    m_buffer.clear();
    reset_framing();
}

std::optional<std::string> JsonReader::next_object_text() {
    while (m_scan < m_buffer.size()) {
        const char c = m_buffer[m_scan];
        if (c == k_flush_byte) {
            m_buffer.erase(0, m_scan + 1);
            reset_framing();
            continue;
        }
        if (!m_in_object) {
            if (c == '{') {
                // Keep the buffer starting at the object, so a later
                // read_line() or reset sees only unconsumed bytes.
                m_buffer.erase(0, m_scan);
                m_scan = 0;
                m_in_object = true;
                m_depth = 1;
            }
            ++m_scan;
            continue;
        }
        ++m_scan;
        if (m_in_string) {
            if (m_escaped) {
                m_escaped = false;
            } else if (c == '\\') {
                m_escaped = true;
            } else if (c == '"') {
                m_in_string = false;
            }
        } else if (c == '"') {
            m_in_string = true;
        } else if (c == '{' || c == '[') {
            ++m_depth;
        } else if ((c == '}' || c == ']') && --m_depth == 0) {
            std::string text = m_buffer.substr(0, m_scan);
            m_buffer.erase(0, m_scan);
            reset_framing();
            return text;
        }
    }
    if (!m_in_object) {
        // Everything scanned was skippable between messages.
        m_buffer.clear();
        m_scan = 0;
    } else if (m_buffer.size() > k_max_message_size) {
        clear();
        throw MalformedMessage("JSON message larger than " +
                               std::to_string(k_max_message_size) + " bytes");
    }
    return std::nullopt;
}

void JsonReader::fill(UnixSocket& socket, Deadline deadline, const StopPredicate& should_stop) {
    std::array<char, k_read_chunk> chunk;
    const std::size_t size = socket.read_some(chunk, deadline, should_stop);
    m_buffer.append(chunk.data(), size);
}

nlohmann::json JsonReader::read_object(UnixSocket& socket, Deadline deadline,
                                       const StopPredicate& should_stop) {
    for (;;) {
        if (auto text = next_object_text()) {
            nlohmann::json message = nlohmann::json::parse(*text, nullptr, false);
            if (message.is_discarded()) {
                throw MalformedMessage("malformed JSON message: " +
                                       text->substr(0, k_excerpt_size));
            }
            return message;
        }
        fill(socket, deadline, should_stop);
    }
}

std::string JsonReader::read_line(UnixSocket& socket, Deadline deadline,
                                  const StopPredicate& should_stop) {
    // Lines and objects share the buffer; a line read starts from the raw
    // unconsumed bytes, whatever the framer had concluded about them.
    reset_framing();
    std::size_t searched = 0;
    for (;;) {
        const std::size_t end = m_buffer.find('\n', searched);
        if (end != std::string::npos) {
            std::string line = m_buffer.substr(0, end);
            m_buffer.erase(0, end + 1);
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            return line;
        }
        if (m_buffer.size() > k_max_message_size) {
            clear();
            throw MalformedMessage("line longer than " + std::to_string(k_max_message_size) +
                                   " bytes");
        }
        searched = m_buffer.size();
        fill(socket, deadline, should_stop);
    }
}

void JsonReader::discard_through(char delimiter, UnixSocket& socket, Deadline deadline,
                                 const StopPredicate& should_stop) {
    reset_framing();
    for (;;) {
        const std::size_t found = m_buffer.find(delimiter);
        if (found != std::string::npos) {
            m_buffer.erase(0, found + 1);
            return;
        }
        m_buffer.clear();
        fill(socket, deadline, should_stop);
    }
}

}  // namespace vmtest::protocol
