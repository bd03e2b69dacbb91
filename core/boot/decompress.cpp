#include "boot/decompress.hpp"

#include "boot/boot_error.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

namespace vmtest::boot {

namespace {

// Every decoder is driven the same way: give it the whole input, grow the
// output in steps until the stream reports its end. The uncompressed size is
// never trusted up front (a kernel payload states it only in its last four
// bytes, a module not at all), which is why one-shot APIs are not used.
constexpr std::size_t k_growth_step = 4 << 20;
constexpr std::size_t k_max_size_hint = 1ULL << 30;

// Grows the output buffer, never beyond `limit`; false when it is full at
// the limit already, so the decoder stops there.
bool grow(std::vector<std::byte>& output, std::size_t used, std::size_t limit) {
    if (used >= limit) {
        return false;
    }
    output.resize(std::min(limit, std::max(output.size() * 2, used + k_growth_step)));
    return true;
}

std::vector<std::byte> decompress_xz(std::span<const std::byte> input, std::string_view what,
                                     std::size_t limit, std::vector<std::byte> output) {
    lzma_stream stream = LZMA_STREAM_INIT;
    // No LZMA_CONCATENATED: stop after the first stream, the kernel's size
    // trailer follows it.
    if (lzma_stream_decoder(&stream, UINT64_MAX, 0) != LZMA_OK) {
        throw BootError("cannot initialise the xz decoder for " + std::string(what));
    }
    stream.next_in = reinterpret_cast<const std::uint8_t*>(input.data());
    stream.avail_in = input.size();
    std::size_t used = 0;
    for (;;) {
        if (used == output.size() && !grow(output, used, limit)) {
            break;
        }
        stream.next_out = reinterpret_cast<std::uint8_t*>(output.data() + used);
        stream.avail_out = output.size() - used;
        lzma_ret result = lzma_code(&stream, LZMA_FINISH);
        used = output.size() - stream.avail_out;
        if (result == LZMA_STREAM_END) {
            break;
        }
        if (result != LZMA_OK && !(result == LZMA_BUF_ERROR && stream.avail_out == 0)) {
            lzma_end(&stream);
            throw BootError("corrupt or truncated xz data in " + std::string(what) +
                            " (liblzma error " + std::to_string(result) + ")");
        }
    }
    lzma_end(&stream);
    output.resize(used);
    return output;
}

std::vector<std::byte> decompress_gzip(std::span<const std::byte> input, std::string_view what,
                                       std::size_t limit, std::vector<std::byte> output) {
    z_stream stream{};
    // 16 + MAX_WBITS: expect a gzip wrapper, not a raw zlib stream.
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
        throw BootError("cannot initialise the gzip decoder for " + std::string(what));
    }
    std::size_t consumed = 0;
    std::size_t used = 0;
    for (;;) {
        if (used == output.size() && !grow(output, used, limit)) {
            break;
        }
        // zlib counts in 32-bit units, so feed at most 1 GiB per call.
        std::size_t in_now = std::min<std::size_t>(input.size() - consumed, 1U << 30);
        std::size_t out_now = std::min<std::size_t>(output.size() - used, 1U << 30);
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data() + consumed));
        stream.avail_in = static_cast<uInt>(in_now);
        stream.next_out = reinterpret_cast<Bytef*>(output.data() + used);
        stream.avail_out = static_cast<uInt>(out_now);
        int result = inflate(&stream, Z_NO_FLUSH);
        consumed += in_now - stream.avail_in;
        used += out_now - stream.avail_out;
        if (result == Z_STREAM_END) {
            break;
        }
        bool stalled = result == Z_BUF_ERROR && consumed == input.size();
        if ((result != Z_OK && result != Z_BUF_ERROR) || stalled) {
            inflateEnd(&stream);
            throw BootError("corrupt or truncated gzip data in " + std::string(what));
        }
    }
    inflateEnd(&stream);
    output.resize(used);
    return output;
}

std::vector<std::byte> decompress_zstd(std::span<const std::byte> input, std::string_view what,
                                       std::size_t limit, std::vector<std::byte> output) {
    ZSTD_DCtx* context = ZSTD_createDCtx();
    if (context == nullptr) {
        throw BootError("cannot initialise the zstd decoder for " + std::string(what));
    }
    // The kernel is compressed with a large window (--ultra -22); allow it.
    ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, 31);
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    std::size_t used = 0;
    for (;;) {
        if (used == output.size() && !grow(output, used, limit)) {
            break;
        }
        ZSTD_outBuffer out{output.data() + used, output.size() - used, 0};
        std::size_t result = ZSTD_decompressStream(context, &out, &in);
        used += out.pos;
        if (ZSTD_isError(result)) {
            ZSTD_freeDCtx(context);
            throw BootError("corrupt zstd data in " + std::string(what) + ": " +
                            ZSTD_getErrorName(result));
        }
        if (result == 0) {
            break;  // end of the first frame
        }
        if (in.pos == in.size && out.pos < out.size) {
            ZSTD_freeDCtx(context);
            throw BootError("truncated zstd data in " + std::string(what));
        }
    }
    ZSTD_freeDCtx(context);
    output.resize(used);
    return output;
}

bool starts_with(std::span<const std::byte> bytes, std::initializer_list<std::uint8_t> magic) {
    if (bytes.size() < magic.size()) {
        return false;
    }
    return std::equal(magic.begin(), magic.end(), bytes.begin(),
                      [](std::uint8_t a, std::byte b) { return a == static_cast<std::uint8_t>(b); });
}

}  // namespace

std::string_view to_string(Compression compression) {
    switch (compression) {
        case Compression::none: return "none";
        case Compression::gzip: return "gzip";
        case Compression::xz: return "xz";
        case Compression::zstd: return "zstd";
        case Compression::other: return "other";
    }
    return "other";
}

Compression detect_compression(std::span<const std::byte> bytes) {
    if (starts_with(bytes, {0xfd, '7', 'z', 'X', 'Z', 0x00})) {
        return Compression::xz;
    }
    if (starts_with(bytes, {0x1f, 0x8b})) {
        return Compression::gzip;
    }
    if (starts_with(bytes, {0x28, 0xb5, 0x2f, 0xfd})) {
        return Compression::zstd;
    }
    if (starts_with(bytes, {'B', 'Z', 'h'}) ||                // bzip2
        starts_with(bytes, {0x5d, 0x00, 0x00}) ||             // lzma (alone)
        starts_with(bytes, {0x89, 'L', 'Z', 'O'}) ||          // lzop
        starts_with(bytes, {0x02, 0x21, 0x4c, 0x18}) ||       // lz4 legacy
        starts_with(bytes, {0x04, 0x22, 0x4d, 0x18})) {       // lz4 frame
        return Compression::other;
    }
    return Compression::none;
}

std::vector<std::byte> decompress(Compression compression, std::span<const std::byte> input,
                                  std::string_view what, std::size_t size_hint, std::size_t limit) {
    std::vector<std::byte> output;
    output.resize(std::min({size_hint, k_max_size_hint, limit}));
    switch (compression) {
        case Compression::xz: return decompress_xz(input, what, limit, std::move(output));
        case Compression::gzip: return decompress_gzip(input, what, limit, std::move(output));
        case Compression::zstd: return decompress_zstd(input, what, limit, std::move(output));
        case Compression::none:
        case Compression::other: break;
    }
    throw BootError("cannot decompress " + std::string(what) + ": unsupported compression '" +
                    std::string(to_string(compression)) + "'");
}

}  // namespace vmtest::boot
