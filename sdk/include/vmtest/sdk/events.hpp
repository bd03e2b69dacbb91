// The run events a reporter receives (Since ABI 1.2), as C++ types.
//
// The schema is sdk/README.md's event table; a unit test keeps the two in
// step (tests/unit/sdk/event_schema_test.cpp). vmtest emits through these
// types, and a reporter may read through them:
//
//     const sdk::Event event = sdk::parse_event(json);
//     if (const auto* finished = std::get_if<sdk::TargetFinished>(&event)) { ... }
//
// Reading is lenient, as a reporter must be with a vmtest newer or older
// than itself: unknown members are ignored, a missing member, or one of
// another JSON type than expected, keeps its default (an optional stays
// empty), and an event of a type this header does not know is an
// UnknownEvent. Writing leaves an unset optional member out.
//
// Events are not run through the `_base64` convention of the other
// documents (bytes.hpp): only output carries exact bytes, in its own
// `data_base64` member (Output::bytes()). Header-only, C++17, like the rest
// of the SDK.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmtest/sdk/bytes.hpp"

namespace vmtest::sdk {

// Each type lists its members once, in `members(self, visit)`: visit(name,
// member) for every JSON member, in the table's order. Writing, reading and
// the schema test all walk that list, so they cannot disagree.

// Since 1.0: the run begins.
struct RunStarted {
    static constexpr std::string_view k_type = "run_started";
    std::vector<std::string> targets;  // names, in order

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("targets", self.targets);
    }
};

// Since 1.2: the local time now as `TargetStarted::started_at` writes it
// (and JUnit's timestamp attribute): "2024-05-01T12:00:00".
inline std::string local_timestamp_now() {
    const std::time_t now = std::time(nullptr);
    std::tm parts{};
    localtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    return text;
}

// Since 1.0: a target begins.
struct TargetStarted {
    static constexpr std::string_view k_type = "target_started";
    std::string target;
    std::size_t index = 0;
    // Since 1.2: local time the target started, "2024-05-01T12:00:00".
    std::optional<std::string> started_at;

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("target", self.target);
        visit("index", self.index);
        visit("started_at", self.started_at);
    }
};

// Since 1.0: a target reached a stage.
struct Stage {
    static constexpr std::string_view k_type = "stage";
    std::string target;
    std::string stage;  // preparing, booting, connecting, running, stopping
    std::string label;  // for people: "Booting"

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("target", self.target);
        visit("stage", self.stage);
        visit("label", self.label);
    }
};

// Since 1.0: a chunk of a target's output.
struct Output {
    static constexpr std::string_view k_type = "output";
    std::string target;
    std::string stream = "stdout";  // stdout or stderr
    // The chunk as UTF-8 text: a character split at the chunk's end comes
    // with the next chunk of the stream, bytes that are not UTF-8 are U+FFFD.
    std::string data;
    // Since 1.1: the chunk's exact bytes in base64, present whenever they are
    // not exactly `data`. Read them with bytes().
    std::optional<std::string> data_base64;

    // The event for a chunk of `bytes` whose text a Utf8Stream made
    // `text`: data_base64 only when the two differ (most output is plain
    // UTF-8, and base64 would only double what every reporter parses).
    static Output chunk(std::string target, std::string stream, std::string_view bytes,
                        std::string text) {
        Output output;
        output.target = std::move(target);
        output.stream = std::move(stream);
        if (text != bytes) {
            output.data_base64 = base64_encode(bytes);
        }
        output.data = std::move(text);
        return output;
    }

    // The chunk's exact bytes: data_base64 decoded, else data. Throws
    // std::invalid_argument when data_base64 is not base64.
    std::string bytes() const {
        return data_base64 ? detail::decode_or_throw(*data_base64, "data_base64") : data;
    }

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("target", self.target);
        visit("stream", self.stream);
        visit("data", self.data);
        visit("data_base64", self.data_base64);
    }
};

// Since 1.2: where a target's duration_s went, in seconds of consecutive
// phases; a phase the target did not reach is absent.
struct Phases {
    std::optional<double> setup_s;     // until the backend started
    std::optional<double> boot_s;      // until the runner connected
    std::optional<double> command_s;   // the command's run
    std::optional<double> shutdown_s;  // power-off, teardown, and after a failure the rest

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("setup_s", self.setup_s);
        visit("boot_s", self.boot_s);
        visit("command_s", self.command_s);
        visit("shutdown_s", self.shutdown_s);
    }
};

// What a target_finished event from a vmtest before 1.1, which had no
// error_kind, is read as.
inline constexpr std::string_view k_error_kind_before_1_1 = "infrastructure";

// Since 1.0: a target ended.
struct TargetFinished {
    static constexpr std::string_view k_type = "target_finished";
    std::string target;
    std::string result;  // pass, fail, error, not_run
    double duration_s = 0;
    std::optional<int> exit_code;            // pass and fail only
    std::optional<int> signal;               // pass and fail only, when a signal ended the command
    std::optional<std::string> error;        // one line, why it did not pass
    std::string boot_log;                    // path of the guest's console log
    std::vector<std::string> boot_log_tail;  // its last lines, on errors
    // On errors and not_run: timeout, kernel_panic, init_failed, vm_exit,
    // interrupted, not_run, infrastructure; Since 1.1 also boot_timeout,
    // boot_failed, helper_failed. A reporter treats a kind it does not know
    // as infrastructure.
    std::optional<std::string> error_kind;
    std::optional<Phases> phases;  // Since 1.2; absent for not_run
    // Since 1.3: the kernel's release as read from its image ("6.1.0-9-amd64"),
    // once vmtest got that far; absent when it did not, or could not read it.
    std::optional<std::string> kernel_release;

    // error_kind, or "infrastructure" where an event (from a vmtest before
    // 1.1) has none.
    std::string error_kind_or_infrastructure() const {
        return error_kind.value_or(std::string(k_error_kind_before_1_1));
    }

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("target", self.target);
        visit("result", self.result);
        visit("duration_s", self.duration_s);
        visit("exit_code", self.exit_code);
        visit("signal", self.signal);
        visit("error", self.error);
        visit("boot_log", self.boot_log);
        visit("boot_log_tail", self.boot_log_tail);
        visit("error_kind", self.error_kind);
        visit("phases", self.phases);
        visit("kernel_release", self.kernel_release);
    }
};

// Since 1.0: the run ended; how many targets ended how.
struct RunFinished {
    static constexpr std::string_view k_type = "run_finished";
    int passed = 0;
    int failed = 0;
    int errors = 0;
    int not_run = 0;
    bool interrupted = false;

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("passed", self.passed);
        visit("failed", self.failed);
        visit("errors", self.errors);
        visit("not_run", self.not_run);
        visit("interrupted", self.interrupted);
    }
};

// One running target in a progress event.
struct ProgressTarget {
    std::string target;
    std::string stage;  // as the stage event says
    std::string label;
    double elapsed_s = 0;
    std::optional<std::string> result;  // once it finished

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("target", self.target);
        visit("stage", self.stage);
        visit("label", self.label);
        visit("elapsed_s", self.elapsed_s);
        visit("result", self.result);
    }
};

// Since 1.2, with -j only: the targets started and not yet handed over.
struct Progress {
    static constexpr std::string_view k_type = "progress";
    std::vector<ProgressTarget> targets;  // in the run's order

    template <class Self, class Visit> static void members(Self& self, Visit&& visit) {
        visit("targets", self.targets);
    }
};

// An event of a type this header does not know (from a newer vmtest), or a
// document that is not an event: its `type` ("" when it has none) and the
// whole document. A reporter ignores it.
struct UnknownEvent {
    std::string type;
    nlohmann::json json;
};

using Event = std::variant<UnknownEvent, RunStarted, TargetStarted, Stage, Output, TargetFinished,
                           RunFinished, Progress>;

namespace detail {

// A visitor that does nothing, to detect members() (C++17 has no lambdas in
// unevaluated operands).
struct IgnoreMember {
    template <class Member> void operator()(const char*, Member&) const {}
};

template <class T, class = void> struct has_members : std::false_type {};
template <class T>
struct has_members<T, std::void_t<decltype(T::members(std::declval<T&>(), IgnoreMember{}))>>
    : std::true_type {};

template <class T, class = void> struct is_event_type : std::false_type {};
template <class T> struct is_event_type<T, std::void_t<decltype(T::k_type)>> : std::true_type {};

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};

template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};

// Reads `json` into `value` when it has the JSON type `value` needs;
// returns whether it did (else `value` is unchanged).
template <class T> bool read_lenient(const nlohmann::json& json, T& value) {
    if constexpr (std::is_same_v<T, bool>) {
        if (!json.is_boolean()) {
            return false;
        }
        value = json.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        if (!json.is_number_integer() || (std::is_unsigned_v<T> && json.get<std::int64_t>() < 0)) {
            return false;
        }
        value = json.get<T>();
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!json.is_number()) {
            return false;
        }
        value = json.get<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!json.is_string()) {
            return false;
        }
        value = json.get<std::string>();
    } else if constexpr (is_optional<T>::value) {
        typename T::value_type inner{};
        if (!read_lenient(json, inner)) {
            return false;
        }
        value = std::move(inner);
    } else if constexpr (is_vector<T>::value) {
        if (!json.is_array()) {
            return false;
        }
        value.clear();
        for (const auto& element : json) {
            typename T::value_type item{};
            if (read_lenient(element, item)) {  // elements of another type are skipped
                value.push_back(std::move(item));
            }
        }
    } else {
        static_assert(has_members<T>::value, "an event member of a type events.hpp cannot read");
        if (!json.is_object()) {
            return false;
        }
        T::members(value, [&](const char* name, auto& member) {
            if (const auto it = json.find(name); it != json.end()) {
                read_lenient(*it, member);
            }
        });
    }
    return true;
}

template <class T> nlohmann::json write_value(const T& value);

template <class T> nlohmann::json write_object(const T& value) {
    nlohmann::json json = nlohmann::json::object();
    if constexpr (is_event_type<T>::value) {
        json["type"] = std::string(T::k_type);
    }
    T::members(value, [&](const char* name, const auto& member) {
        using Member = std::decay_t<decltype(member)>;
        if constexpr (is_optional<Member>::value) {
            if (member) {
                json[name] = write_value(*member);
            }
        } else {
            json[name] = write_value(member);
        }
    });
    return json;
}

template <class T> nlohmann::json write_value(const T& value) {
    if constexpr (is_vector<T>::value) {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& element : value) {
            array.push_back(write_value(element));
        }
        return array;
    } else if constexpr (has_members<T>::value) {
        return write_object(value);
    } else {
        return nlohmann::json(value);
    }
}

// The alternative of Event whose k_type is `type`, read from `json`;
// UnknownEvent when none is.
template <std::size_t I = 1>
Event parse_known_event(const std::string& type, const nlohmann::json& json) {
    if constexpr (I == std::variant_size_v<Event>) {
        return UnknownEvent{type, json};
    } else {
        using Alternative = std::variant_alternative_t<I, Event>;
        if (type != Alternative::k_type) {
            return parse_known_event<I + 1>(type, json);
        }
        Alternative event;
        read_lenient(json, event);
        return event;
    }
}

}  // namespace detail

// JSON of one event type (nlohmann calls these: `nlohmann::json j = event;`,
// `j.get<sdk::Output>()`), or of a part of one (Phases, ProgressTarget).
template <class T, std::enable_if_t<detail::has_members<T>::value, int> = 0>
void to_json(nlohmann::json& json, const T& value) {
    json = detail::write_object(value);
}
template <class T, std::enable_if_t<detail::has_members<T>::value, int> = 0>
void from_json(const nlohmann::json& json, T& value) {
    value = T{};
    detail::read_lenient(json, value);
}

// The typed form of an event as a reporter's `event(json)` receives it.
// Never throws: what is not a known event is an UnknownEvent.
inline Event parse_event(const nlohmann::json& json) {
    std::string type;
    if (json.is_object()) {
        if (const auto it = json.find("type"); it != json.end() && it->is_string()) {
            type = it->get<std::string>();
        }
    }
    if (type.empty()) {
        return UnknownEvent{type, json};
    }
    return detail::parse_known_event(type, json);
}

// The JSON of `event`, as reporters receive it (an UnknownEvent's document
// unchanged).
inline nlohmann::json event_to_json(const Event& event) {
    return std::visit(
        [](const auto& alternative) -> nlohmann::json {
            if constexpr (std::is_same_v<std::decay_t<decltype(alternative)>, UnknownEvent>) {
                return alternative.json;
            } else {
                return detail::write_object(alternative);
            }
        },
        event);
}

}  // namespace vmtest::sdk
