#include "markdown_members.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace vmtest::test_support {

// The cells of a markdown table row: "| a | b |" is {"a", "b"}.
std::vector<std::string> cells(const std::string& row) {
    std::vector<std::string> result;
    std::string cell;
    for (std::size_t i = 1; i < row.size(); ++i) {
        if (row[i] == '|') {
            result.push_back(cell);
            cell.clear();
        } else {
            cell += row[i];
        }
    }
    return result;
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    const auto last = text.find_last_not_of(' ');
    return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

Members documented_members(const std::string& cell) {
    Members members;
    std::string last_member;
    int depth = 0;
    for (std::size_t i = 0; i < cell.size(); ++i) {
        if (cell[i] == '(') {
            ++depth;
        } else if (cell[i] == ')') {
            --depth;
        } else if (cell[i] == '`') {
            const std::size_t end = cell.find('`', i + 1);
            if (end == std::string::npos) {
                ADD_FAILURE() << "unclosed backtick in: " << cell;
                return members;
            }
            const std::string code = cell.substr(i + 1, end - i - 1);
            i = end;
            if (depth == 0) {
                last_member = code;
                EXPECT_TRUE(members.insert(code).second) << "`" << code << "` twice in: " << cell;
            } else if (code.size() > 1 && code.front() == '{' && code.back() == '}') {
                std::istringstream names(code.substr(1, code.size() - 2));
                for (std::string name; std::getline(names, name, ',');) {
                    members.insert(last_member + "." + trimmed(name));
                }
            }
        }
    }
    EXPECT_EQ(depth, 0) << "unbalanced parentheses in: " << cell;
    return members;
}

std::map<std::string, Members> documented_table(const std::string& readme,
                                                const std::string& header) {
    std::ifstream in(readme);
    EXPECT_TRUE(in) << "cannot read " << readme;
    std::map<std::string, Members> table;
    bool in_table = false;
    for (std::string line; std::getline(in, line);) {
        if (line == header) {
            in_table = true;
            continue;
        }
        if (!in_table) {
            continue;
        }
        if (line.empty() || line.front() != '|') {
            break;
        }
        const auto row = cells(line);
        const std::string name = trimmed(row.at(0));
        if (row.size() != 2 || name.size() < 2 || name.front() != '`') {
            continue;  // the |---|---| line
        }
        table[name.substr(1, name.size() - 2)] = documented_members(row.at(1));
    }
    return table;
}

void expect_same_members(const std::map<std::string, Members>& documented,
                         const std::map<std::string, Members>& actual, const std::string& code) {
    for (const auto& [object, members] : actual) {
        const auto row = documented.find(object);
        if (row == documented.end()) {
            ADD_FAILURE() << "'" << object << "' is not in sdk/README.md's table";
            continue;
        }
        for (const auto& member : members) {
            EXPECT_TRUE(row->second.count(member))
                << object << " has '" << member << "', which sdk/README.md does not list";
        }
        for (const auto& member : row->second) {
            EXPECT_TRUE(members.count(member))
                << "sdk/README.md lists '" << member << "' for " << object << ", which " << code
                << " does not have";
        }
    }
    for (const auto& [object, members] : documented) {
        EXPECT_TRUE(actual.count(object))
            << "sdk/README.md documents '" << object << "', which " << code << " does not have";
    }
}

}  // namespace vmtest::test_support
