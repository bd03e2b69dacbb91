#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "config/target_filter.hpp"
#include "config/target_listing.hpp"

namespace vmtest::config {
namespace {

Target kernel_target(const std::string& name, const std::string& kernel) {
    Target target;
    target.name = name;
    target.kernel = kernel;
    return target;
}

TEST(TargetListing, NamesOneALine) {
    EXPECT_EQ(target_names_text({}), "");
    EXPECT_EQ(target_names_text({kernel_target("a", "/k"), kernel_target("b c", "/k")}),
              "a\nb c\n");
}

TEST(TargetListing, JsonIsOneLineArrayOfTargets) {
    Target image;
    image.name = "uefi";
    image.image = "/images/disk.img";
    image.backend = "qemu-tcg";
    const std::string text =
        target_list_json({kernel_target("6.1", "https://example.org/vmlinuz"), image});
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line, for $GITHUB_OUTPUT";
    const auto list = nlohmann::json::parse(text);
    ASSERT_TRUE(list.is_array());
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0], (nlohmann::json{{"name", "6.1"},
                                       {"filter", "^6\\.1$"},
                                       {"kernel", "https://example.org/vmlinuz"},
                                       {"arch", "x86_64"},
                                       {"backend", "auto"}}));
    EXPECT_EQ(list[1], (nlohmann::json{{"name", "uefi"},
                                       {"filter", "^uefi$"},
                                       {"image", "/images/disk.img"},
                                       {"arch", "x86_64"},
                                       {"backend", "qemu-tcg"}}));
    EXPECT_EQ(target_list_json({}), "[]\n");
}

// Quotes, backslashes and non-ASCII names come out as valid JSON holding
// the same name; bytes that are not UTF-8 (a one-liner kernel's file name)
// become U+FFFD instead of breaking the document.
TEST(TargetListing, OddNamesStayValidJson) {
    const std::vector<std::string> names{"quote\"d", "back\\slash", "ünïcödé ✓", "a b/c"};
    std::vector<Target> targets;
    for (const auto& name : names) {
        targets.push_back(kernel_target(name, "/k/" + name));
    }
    const auto list = nlohmann::json::parse(target_list_json(targets));
    ASSERT_EQ(list.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(list[i]["name"], names[i]);
        EXPECT_EQ(list[i]["kernel"], "/k/" + names[i]);
    }
    const auto invalid = nlohmann::json::parse(
        target_list_json({kernel_target("bad\xff", "/k/bad\xff")}));
    EXPECT_EQ(invalid[0]["name"], "bad\xEF\xBF\xBD");
}

// A listed filter selects its own target and no other, whatever the name
// holds that a regex would read as special.
TEST(TargetListing, ExactNameFilterSelectsOnlyThatName) {
    const std::vector<std::string> names{
        "6.1", "6x1", "c++", "a|b", "a", "b", "(x)", "[y]", "{2}", "^$", "back\\slash",
        "q?", "star*", "dash-and/slash", "ünï"};
    for (const auto& name : names) {
        const std::regex filter = compile_filter(exact_name_filter(name));
        for (const auto& other : names) {
            EXPECT_EQ(std::regex_search(other, filter), other == name)
                << "filter " << exact_name_filter(name) << " on " << other;
        }
    }
}

}  // namespace
}  // namespace vmtest::config
