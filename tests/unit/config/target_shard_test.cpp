#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "config/target_shard.hpp"
#include "config/usage_error.hpp"

namespace vmtest::config {
namespace {

std::vector<Target> targets_named(int count) {
    std::vector<Target> targets(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        // Zero-padded: names sort in config order.
        targets[static_cast<std::size_t>(i)].name = (i < 10 ? "t0" : "t") + std::to_string(i);
    }
    return targets;
}

std::string error_of(const std::string& text) {
    try {
        parse_shard(text);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "<no error>";
}

TEST(TargetShard, ParsesKOfN) {
    EXPECT_EQ(parse_shard("1/1"), (Shard{1, 1}));
    EXPECT_EQ(parse_shard("2/4"), (Shard{2, 4}));
    EXPECT_EQ(parse_shard("4/4"), (Shard{4, 4}));
    EXPECT_EQ(shard_label(Shard{3, 7}), "3/7");
}

// Every malformed value is one line naming the flag and repeating the value.
TEST(TargetShard, RefusesBadValues) {
    for (const std::string bad : {"0/3", "4/3", "x", "1/0", "", "/", "1/", "/3", "1/3/", "-1/3",
                                  "+1/3", " 1/3", "1/3 ", "1.0/3", "1//3", "1:3", "99999999999/1",
                                  "1/99999999999"}) {
        const std::string error = error_of(bad);
        EXPECT_EQ(error.rfind("--shard: expected K/N with 1 <= K <= N", 0), 0u) << bad << ": " << error;
        EXPECT_NE(error.find("'" + bad + "'"), std::string::npos) << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
    EXPECT_NE(error_of("4/3").find("there is no shard 4 of 3"), std::string::npos);
}

// The N shards of any list are disjoint, cover it, keep its order and
// differ in size by at most one.
TEST(TargetShard, ShardsAreDisjointCoveringAndBalanced) {
    for (int count = 0; count <= 9; ++count) {
        const auto targets = targets_named(count);
        for (int shards = 1; shards <= 6; ++shards) {
            std::map<std::string, int> times_selected;
            std::size_t smallest = targets.size(), largest = 0;
            for (int k = 1; k <= shards; ++k) {
                const auto slice = select_shard(targets, Shard{k, shards});
                smallest = std::min(smallest, slice.size());
                largest = std::max(largest, slice.size());
                for (std::size_t i = 0; i < slice.size(); ++i) {
                    ++times_selected[slice[i].name];
                    if (i > 0) {
                        EXPECT_LT(slice[i - 1].name, slice[i].name);  // config order kept
                    }
                }
            }
            EXPECT_EQ(times_selected.size(), targets.size()) << count << " in " << shards;
            for (const auto& [name, times] : times_selected) {
                EXPECT_EQ(times, 1) << name << " of " << count << " in " << shards;
            }
            EXPECT_LE(largest - std::min(smallest, largest), 1u) << count << " in " << shards;
        }
    }
}

// Round-robin by position: the slice is a function of the list alone, so N
// jobs reading the same file agree on it.
TEST(TargetShard, SliceIsRoundRobinByPosition) {
    const auto targets = targets_named(7);
    const auto second_of_three = select_shard(targets, Shard{2, 3});
    ASSERT_EQ(second_of_three.size(), 2u);
    EXPECT_EQ(second_of_three[0].name, "t01");
    EXPECT_EQ(second_of_three[1].name, "t04");
    EXPECT_EQ(select_shard(targets, Shard{2, 3}).size(), second_of_three.size());
    EXPECT_TRUE(in_shard(0, Shard{1, 3}));
    EXPECT_TRUE(in_shard(5, Shard{3, 3}));
    EXPECT_FALSE(in_shard(5, Shard{1, 3}));
}

// More shards than targets: the extra ones are empty, not an error.
TEST(TargetShard, ExtraShardsAreEmpty) {
    const auto targets = targets_named(2);
    EXPECT_EQ(select_shard(targets, Shard{3, 5}).size(), 0u);
    EXPECT_EQ(select_shard({}, Shard{1, 1}).size(), 0u);
}

}  // namespace
}  // namespace vmtest::config
