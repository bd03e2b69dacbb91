#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest::boot {

enum class Compression { none, gzip, xz, zstd, other };

[[nodiscard]] std::string_view to_string(Compression compression);

// Recognises a compressed stream by its leading magic bytes. Streams in a
// format vmtest cannot decompress (bzip2, lzma, lzo, lz4) are `other`;
// anything unrecognised is `none`.
[[nodiscard]] Compression detect_compression(std::span<const std::byte> bytes);

// Decompresses the first stream in `input` and ignores whatever follows it
// (a kernel payload ends with a 4-byte size after the stream). `size_hint`
// pre-sizes the output. `what` names the source in error messages. Output
// stops after `limit` bytes, the rest of the stream unread: a caller that
// needs only the start of it (a header), or that must bound what a file it
// did not make can cost, says so. Throws BootError for corrupt data or for
// `none`/`other`.
[[nodiscard]] std::vector<std::byte> decompress(Compression compression,
                                                std::span<const std::byte> input,
                                                std::string_view what,
                                                std::size_t size_hint = 0,
                                                std::size_t limit = SIZE_MAX);

}  // namespace vmtest::boot
