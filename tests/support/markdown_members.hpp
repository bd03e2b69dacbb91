// Reading the member tables of sdk/README.md (the event schema, the json
// report's schema), for the tests that check them against the code.
//
// The tables' convention: in a members cell a member is named once in
// backticks at the top level; anything in parentheses after it describes
// it, and a backticked `{a, b}` there lists the members of that object (or
// of each object in that list).
#pragma once

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

}  // namespace vmtest::test_support
