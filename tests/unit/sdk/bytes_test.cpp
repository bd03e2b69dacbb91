// Bytes across JSON: base64, UTF-8 repair (one U+FFFD per maximal subpart,
// as Python's and browsers' decoders do), the chunked decoder that carries a
// split character to the next chunk, and the "_base64" member convention.
#include "vmtest/sdk/bytes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vmtest::sdk {
namespace {

using ::testing::ElementsAre;

const std::string k_fffd(k_replacement_character);

std::string every_byte() {
    std::string bytes;
    for (int c = 0; c < 256; ++c) {
        bytes += static_cast<char>(c);
    }
    return bytes;
}

// What a stream decoder makes of `bytes` cut into `chunks` (cut positions).
std::string decode_in_chunks(std::string_view bytes, const std::vector<std::size_t>& cuts) {
    Utf8Stream stream;
    std::string text;
    std::size_t from = 0;
    for (const std::size_t cut : cuts) {
        text += stream.push(bytes.substr(from, cut - from));
        from = cut;
    }
    text += stream.push(bytes.substr(from));
    return text + stream.finish();
}

TEST(Base64, RoundTripsEveryByteAtEveryLength) {
    const std::string bytes = every_byte();
    for (std::size_t length = 0; length <= 7; ++length) {
        const std::string part = bytes.substr(250 - length, length);
        EXPECT_EQ(base64_decode(base64_encode(part)), part) << length;
    }
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("a"), "YQ==");
    EXPECT_EQ(base64_encode("ab"), "YWI=");
    EXPECT_EQ(base64_encode("abc"), "YWJj");
    EXPECT_EQ(base64_encode("\xff\xfe"), "//4=");
}

TEST(Base64, DecodingToleratesWhitespaceAndMissingPaddingButNothingElse) {
    EXPECT_EQ(base64_decode("aGVs\nbG8="), "hello");
    EXPECT_EQ(base64_decode("YQ"), "a");
    EXPECT_EQ(base64_decode("a@b="), std::nullopt);
    EXPECT_EQ(base64_decode("YQ==YQ"), std::nullopt) << "data after padding";
    EXPECT_EQ(base64_decode("Y"), std::nullopt) << "a lone sixth of a byte";
}

TEST(Utf8, KeepsValidTextOfEveryLength) {
    const std::string text =
        "plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xed\x9f\xbf";
    EXPECT_TRUE(is_utf8(text));
    EXPECT_EQ(to_utf8(text), text);
    EXPECT_TRUE(is_utf8(""));
}

TEST(Utf8, ReplacesEachMaximalInvalidSubpartWithOneReplacementCharacter) {
    const auto r = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i) {
            s += k_fffd;
        }
        return s;
    };
    // Expected values are what Python's bytes.decode("utf-8", "replace") gives.
    EXPECT_EQ(to_utf8("a\xff"
                      "b"),
              "a" + r(1) + "b");
    EXPECT_EQ(to_utf8("\x80"), r(1)) << "a lone continuation byte";
    EXPECT_EQ(to_utf8("\xc0\xaf"), r(2)) << "overlong '/' in two bytes";
    EXPECT_EQ(to_utf8("\xe0\x80\xaf"), r(3)) << "overlong '/' in three bytes";
    EXPECT_EQ(to_utf8("\xf0\x80\x80\xaf"), r(4)) << "overlong '/' in four bytes";
    EXPECT_EQ(to_utf8("\xc1\xbf"), r(2)) << "overlong DEL";
    EXPECT_EQ(to_utf8("\xed\xa0\x80"), r(3)) << "a surrogate";
    EXPECT_EQ(to_utf8("\xf4\x90\x80\x80"), r(4)) << "above U+10FFFF";
    EXPECT_EQ(to_utf8("\xf5\x80"), r(2));
    EXPECT_EQ(to_utf8("\xe2\x82"), r(1)) << "truncated at the end";
    EXPECT_EQ(to_utf8("\xe2\x82("), r(1) + "(") << "cut short by an ASCII byte";
    EXPECT_EQ(to_utf8("\xf0\x9f\x98"), r(1));
    EXPECT_EQ(to_utf8("\xc2\xc3\xa9"), r(1) + "\xc3\xa9") << "resynchronises on a start byte";
    EXPECT_FALSE(is_utf8("\xc0\xaf"));
    EXPECT_FALSE(is_utf8("\xe2\x82"));
    EXPECT_TRUE(is_utf8(to_utf8(every_byte())));
}

TEST(Utf8Sequence, TellsValidInvalidAndTruncatedApart) {
    using Kind = Utf8Sequence::Kind;
    const auto is = [](std::string_view bytes, Kind kind, std::size_t length) {
        const Utf8Sequence s = utf8_sequence(bytes);
        return s.kind == kind && s.length == length;
    };
    EXPECT_TRUE(is("a", Kind::valid, 1));
    EXPECT_TRUE(is("\xe2\x82\xac", Kind::valid, 3));
    EXPECT_TRUE(is("\xe2\x82", Kind::truncated, 2));
    EXPECT_TRUE(is("\xf0", Kind::truncated, 1));
    EXPECT_TRUE(is("\xe0\x80", Kind::invalid, 1)) << "can only become overlong";
    EXPECT_TRUE(is("\xed\xa0", Kind::invalid, 1)) << "can only become a surrogate";
    EXPECT_TRUE(is("\xf4\x90", Kind::invalid, 1)) << "can only pass U+10FFFF";
    EXPECT_TRUE(is("\xe2\x82x", Kind::invalid, 2));
}

// The class of bug: a character split by a chunk boundary. Every cut of
// every sequence length must give the text of the whole stream.
TEST(Utf8Stream, ACharacterSplitAtAnyByteIsKeptWhole) {
    for (const std::string character : {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}) {
        const std::string bytes = "a" + character + "b";
        for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
            EXPECT_EQ(decode_in_chunks(bytes, {cut}), bytes) << character.size() << " at " << cut;
        }
        // One byte at a time.
        std::vector<std::size_t> all;
        for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
            all.push_back(cut);
        }
        EXPECT_EQ(decode_in_chunks(bytes, all), bytes);
        // Two characters, cut between and inside them.
        const std::string pair = character + character;
        for (std::size_t cut = 0; cut <= pair.size(); ++cut) {
            EXPECT_EQ(decode_in_chunks(pair, {cut}), pair);
        }
    }
}

// Whatever the bytes and wherever the cuts, the chunks' text together is
// to_utf8() of the whole stream: invalid bytes, overlong forms and a
// character the stream never finishes included.
TEST(Utf8Stream, AnyCutsGiveTheTextOfTheWholeStream) {
    const std::vector<std::string> streams = {
        "x\xff\xfey",           "\xc0\xaf/",        "\xe0\x80\xaf",      "\xf0\x80\x80\xaf",
        "\xed\xa0\x80!",        "\xf4\x90\x80\x80", "\xe2\x82(\xe2\x82", "ok \xf0\x9f\x98",
        "\xc2\xc3\xa9\x80\x80", "\xe2\x82\xac\xe2", "\xf0\x9f",          "\xff"};
    for (const auto& bytes : streams) {
        const std::string whole = to_utf8(bytes);
        for (std::size_t first = 0; first <= bytes.size(); ++first) {
            for (std::size_t second = first; second <= bytes.size(); ++second) {
                EXPECT_EQ(decode_in_chunks(bytes, {first, second}), whole)
                    << testing::PrintToString(bytes) << " cut at " << first << ", " << second;
            }
        }
    }
}

TEST(Utf8Stream, HoldsBackOnlyWhatTheNextChunkCanComplete) {
    Utf8Stream stream;
    EXPECT_EQ(stream.push("ab\xe2\x82"), "ab");
    EXPECT_TRUE(stream.pending());
    EXPECT_EQ(stream.push("\xac"), "\xe2\x82\xac");
    EXPECT_FALSE(stream.pending());
    EXPECT_EQ(stream.push("\xe0\x80"), k_fffd + k_fffd) << "never valid: not held back";
    EXPECT_EQ(stream.push("\xf0\x9f\x98"), "");
    EXPECT_EQ(stream.finish(), k_fffd) << "the stream ended inside a character";
    EXPECT_EQ(stream.finish(), "");
}

TEST(ByteStrings, DocumentsThatAreUtf8AreLeftAlone) {
    nlohmann::json document = {{"argv", {"a", "\xc3\xa9"}}, {"cwd", "/"}, {"n", 1}};
    const nlohmann::json before = document;
    EXPECT_TRUE(encode_byte_strings(document).empty());
    EXPECT_EQ(document, before);
}

TEST(ByteStrings, BytesTravelInBase64SiblingsAndComeBackExactly) {
    const nlohmann::json original = {
        {"argv", {"bash", "-c", "echo \xff"}},
        {"env", {"A=1", "B=\xfe\x80"}},
        {"cwd", "/tmp/\xc0\xaf"},
        {"attachments", {{{"path", "/ok"}}, {{"path", "/x\xff"}, {"tag", "t"}}}},
        {"count", 3}};
    nlohmann::json document = original;
    EXPECT_THAT(encode_byte_strings(document),
                ElementsAre("argv[2]", "attachments[1].path", "cwd", "env[1]"));
    // The JSON text is now valid UTF-8; a 1.0 reader sees the U+FFFD text.
    const std::string text = document.dump();
    EXPECT_TRUE(is_utf8(text));
    EXPECT_EQ(document["cwd"], "/tmp/" + k_fffd + k_fffd);
    EXPECT_EQ(document["cwd_base64"], base64_encode("/tmp/\xc0\xaf"));
    EXPECT_EQ(document["argv_base64"].size(), 3u) << "every element, so indexes match";
    EXPECT_FALSE(document["attachments"][0].contains("path_base64"));

    nlohmann::json received = nlohmann::json::parse(text);
    decode_byte_strings(received);
    EXPECT_EQ(received, original);
}

TEST(ByteStrings, DecodingNamesAMemberThatIsNotBase64) {
    nlohmann::json document = {{"list", {{{"path", "x"}, {"path_base64", "@@"}}}}};
    try {
        decode_byte_strings(document);
        FAIL() << "decoded";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "member 'list[0].path_base64' is not base64");
    }
}

TEST(ByteStrings, ASiblingWithoutItsTextMemberIsNotTouched) {
    nlohmann::json document = {{"key_base64", "@@"}};
    decode_byte_strings(document);
    EXPECT_EQ(document, nlohmann::json({{"key_base64", "@@"}}));
}

TEST(OutputBytes, PrefersTheExactBytesOverTheText) {
    EXPECT_EQ(output_bytes({{"data", "plain"}}), "plain");
    EXPECT_EQ(output_bytes({{"data", k_fffd}, {"data_base64", base64_encode("\xff")}}), "\xff");
    EXPECT_EQ(output_bytes({{"data", "ab"}, {"data_base64", base64_encode("ab\xe2\x82")}}),
              "ab\xe2\x82");
    EXPECT_THROW(output_bytes({{"data", ""}, {"data_base64", 3}}), std::invalid_argument);
}

}  // namespace
}  // namespace vmtest::sdk
