// sdk/README.md's event table against the C++ event types (events.hpp).
//
// Why this test exists: the table is the contract out-of-tree reporters are
// written against, and the types are what vmtest really emits. Both are
// written by hand, so a member added to one and forgotten in the other (an
// undocumented member, or a documented one vmtest never sends) would go
// unnoticed. This reads the table as the README writes it and compares it,
// both ways, with what each type serialises when every member is set:
// every event type, every member, and the members of nested objects.
//
// The table's convention (stated above it in the README): in the members
// column a member is named once in backticks at the top level; anything in
// parentheses after it describes it, and a backticked `{a, b}` there lists
// the members of that object (or of each object in that list).
#include "vmtest/sdk/events.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "../../support/markdown_members.hpp"

namespace vmtest::sdk {
namespace {

using test_support::cells;
using test_support::documented_members;
using test_support::expect_same_members;
using test_support::Members;
using test_support::trimmed;

// Event type -> documented members, from the table whose header is
// "| type | members |".
std::map<std::string, Members> documented_events() {
    return test_support::documented_table(VMTEST_SDK_README, "| type | members |");
}

// Sets every member of `value`: optionals engaged, lists of one element,
// objects within filled too, so that serialising it writes every member.
template <class T> void populate(T& value) {
    if constexpr (detail::is_optional<T>::value) {
        value.emplace();
        populate(*value);
    } else if constexpr (detail::is_vector<T>::value) {
        value.resize(1);
        populate(value.front());
    } else if constexpr (detail::has_members<T>::value) {
        T::members(value, [](const char*, auto& member) { populate(member); });
    }
}

// The member names a serialised event holds ("type" is the table's first
// column), nested objects' as "parent.child".
Members serialised_members(const nlohmann::json& json) {
    Members members;
    for (const auto& [name, value] : json.items()) {
        if (name == "type") {
            continue;
        }
        members.insert(name);
        const nlohmann::json* object = &value;
        if (value.is_array() && !value.empty()) {
            object = &value.front();
        }
        if (object->is_object()) {
            for (const auto& [child, _] : object->items()) {
                members.insert(name + "." + child);
            }
        }
    }
    return members;
}

// Every event type the SDK knows -> what it serialises fully populated.
std::map<std::string, Members> typed_events() {
    std::map<std::string, Members> events;
    const auto add = [&](auto event) {
        populate(event);
        events[std::string(decltype(event)::k_type)] = serialised_members(event_to_json(event));
    };
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (add(std::variant_alternative_t<I + 1, Event>{}), ...);  // 0 is UnknownEvent
    }
    (std::make_index_sequence<std::variant_size_v<Event> - 1>{});
    return events;
}

TEST(EventSchema, TheReadmeTableListsExactlyTheTypesAndTheirMembers) {
    const auto documented = documented_events();
    const auto typed = typed_events();
    ASSERT_FALSE(documented.empty()) << "no event table found in " << VMTEST_SDK_README;
    expect_same_members(documented, typed, "events.hpp");
}

// The reader of the table itself: the conventions it relies on.
TEST(EventSchema, TableCellsAreReadAsMembersAndNestedMembers) {
    EXPECT_EQ(documented_members("`a` (`x`, `y` (note `z`)), `b` (Since 1.2: `{c, d}`, see `e`)"),
              (Members{"a", "b", "b.c", "b.d"}));
    EXPECT_EQ(cells("| `t` | `m` |"), (std::vector<std::string>{" `t` ", " `m` "}));
}

}  // namespace
}  // namespace vmtest::sdk
