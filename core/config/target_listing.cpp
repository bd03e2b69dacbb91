#include "config/target_listing.hpp"

#include <nlohmann/json.hpp>

#include "config/target_filter.hpp"

namespace vmtest::config {

std::string target_names_text(const std::vector<Target>& targets) {
    std::string text;
    for (const Target& target : targets) {
        text += target.name + "\n";
    }
    return text;
}

std::string target_list_json(const std::vector<Target>& targets) {
    // Ordered: a person reading the list sees the name first.
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Target& target : targets) {
        nlohmann::ordered_json entry{{"name", target.name}, {"filter", exact_name_filter(target.name)}};
        if (target.kernel) {
            entry["kernel"] = target.kernel->string();
        } else if (target.image) {
            entry["image"] = target.image->string();
        }
        entry["arch"] = target.arch;
        entry["backend"] = target.backend;
        list.push_back(std::move(entry));
    }
    return list.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace vmtest::config
