// --shard K/N: the K-th of N disjoint slices of the selected targets, so that
// a CI matrix of N jobs runs each target exactly once.
//
// A slice is taken by position, round-robin: the target at position i (0-based,
// config order, after --filter) is in shard i % N + 1. Every target is in
// exactly one shard, shard sizes differ by at most one, and a target stays
// in its shard as long as the config file and --filter do not change, which
// is what N jobs of one CI run see. (A hash of the name would survive
// reordering the file too, but leaves shards unbalanced or empty when there
// are few targets, the common case.)
#pragma once

#include <string>
#include <vector>

#include "config/target.hpp"

namespace vmtest::config {

struct Shard {
    int index = 1;  // K, 1-based
    int count = 1;  // N

    bool operator==(const Shard&) const = default;
};

// Parses "K/N" (decimal, 1 <= K <= N). Throws UsageError naming --shard.
Shard parse_shard(const std::string& text);

// "K/N", for messages.
std::string shard_label(Shard shard);

// Whether the target at `position` (0-based, among the selected targets) is
// in `shard`.
bool in_shard(std::size_t position, Shard shard);

// The targets of `shard`, in their order. May be empty (more shards than
// targets): not an error, a CI matrix may have more jobs than targets.
std::vector<Target> select_shard(const std::vector<Target>& targets, Shard shard);

}  // namespace vmtest::config
