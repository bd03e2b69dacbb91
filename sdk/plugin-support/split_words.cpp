#include "vmtest/plugin-support/split_words.hpp"

#include <sstream>

namespace vmtest::util {

std::vector<std::string> split_words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    return words;
}

}  // namespace vmtest::util
