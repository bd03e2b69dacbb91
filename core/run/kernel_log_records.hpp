// The guest kernel's log as vmtest keeps it (<target>.dmesg): the raw
// /dev/kmsg records the guest init streams (guest_init/kernel_log_stream.cpp)
// turned into lines a person reads and a script parses, one per record:
//
//   [    1.234567] <info> virtio_blk virtio1: [vda] 2097152 512-byte logical blocks
//   [   12.345678] <user.warn> a message written to /dev/kmsg from userspace
//   [vmtest] 12 kernel log record(s) lost: overwritten before the guest init read them
//
// The time is the record's, in seconds since the kernel started; the level
// is its syslog level (emerg, alert, crit, err, warn, notice, info, debug),
// prefixed by the facility when that is not the kernel's ("user.warn" for
// what userspace writes to /dev/kmsg). Non-printable bytes and bytes above
// 0x7e are \xNN escapes, as /dev/kmsg gives them (and as vmtest makes them
// when the stream holds others), so the file is ASCII and a record is one
// line. Dictionary lines (" SUBSYSTEM=...") are left out, as dmesg does.
// Lines vmtest adds start with "[vmtest]".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest::run {

class KernelLogFormatter {
  public:
    // The lines for the records that `bytes` completes; a record cut at the
    // chunk's end waits for the next chunk.
    std::string feed(std::string_view bytes);
    // The line for a record the stream ended in the middle of, if any.
    std::string finish();

    std::uint64_t records() const { return m_records; }
    std::uint64_t lost() const { return m_lost; }

  private:
    std::string format_line(std::string_view line);

    std::string m_partial;
    std::optional<std::uint64_t> m_next_sequence;
    std::uint64_t m_records = 0;
    std::uint64_t m_lost = 0;
};

// A dmesg line's message: what follows "[ time] <level> ", or the whole line
// when it is not one (a plain `dmesg` or console line).
std::string_view kernel_log_message(std::string_view line);

}  // namespace vmtest::run
