#include <gtest/gtest.h>

#include "config/kernel_command_line.hpp"

namespace vmtest::config {
namespace {

TEST(ReadOnlyRoot, TheWordRoAsksForIt) {
    EXPECT_TRUE(asks_read_only_root("ro"));
    EXPECT_TRUE(asks_read_only_root("nokaslr ro loglevel=7"));
    EXPECT_TRUE(asks_read_only_root("\tro\n"));
}

TEST(ReadOnlyRoot, NothingOrRwDoesNot) {
    EXPECT_FALSE(asks_read_only_root(""));
    EXPECT_FALSE(asks_read_only_root("rw"));
    EXPECT_FALSE(asks_read_only_root("nokaslr"));
}

TEST(ReadOnlyRoot, TheLastOfRoAndRwWinsAsInTheKernel) {
    EXPECT_FALSE(asks_read_only_root("ro rw"));
    EXPECT_TRUE(asks_read_only_root("rw ro"));
}

TEST(ReadOnlyRoot, OnlyAWholeParameterCounts) {
    EXPECT_FALSE(asks_read_only_root("root=/dev/ro rootro ro=1 xro"));
    EXPECT_FALSE(asks_read_only_root("x=\"a ro b\""));
    EXPECT_TRUE(asks_read_only_root("x=\"a rw b\" ro"));
}

TEST(ReadOnlyRoot, WhatFollowsDoubleDashIsInitsNotTheKernels) {
    EXPECT_FALSE(asks_read_only_root("quiet -- ro"));
    EXPECT_TRUE(asks_read_only_root("ro -- rw"));
}

}  // namespace
}  // namespace vmtest::config
