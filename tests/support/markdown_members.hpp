// Reading the member tables of sdk/README.md (the event schema, the json
// report's schema), for the tests that check them against the code.
//
// The tables' convention: in a members cell a member is named once in
// backticks at the top level; anything in parentheses after it describes
// it, and a backticked `{a, b}` there lists the members of that object (or
// of each object in that list).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace vmtest::test_support {

// Member names; nested ones as "parent.child".
using Members = std::set<std::string>;

// The cells of a markdown table row: "| a | b |" is {"a", "b"}.
std::vector<std::string> cells(const std::string& row);

std::string trimmed(const std::string& text);

// The members a members cell documents: backticked names outside
// parentheses, and for each a `{a, b}` inside its parentheses as
// "name.a", "name.b". Reports malformed cells as test failures.
Members documented_members(const std::string& cell);

// The table of `readme` whose header row is `header` (e.g. "| type |
// members |"): each row's backticked name -> the members its second cell
// documents.
std::map<std::string, Members> documented_table(const std::string& readme,
                                                const std::string& header);

// Reports as test failures every difference between what sdk/README.md
// documents and what the code has, per object (an event type, a report's
// object): objects and members either side lacks. `code` names the code's
// side in the messages ("events.hpp", "the report").
void expect_same_members(const std::map<std::string, Members>& documented,
                         const std::map<std::string, Members>& actual, const std::string& code);

}  // namespace vmtest::test_support
