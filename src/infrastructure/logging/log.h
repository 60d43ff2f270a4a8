// Structured log events: an event name plus fields, written as one line of text or JSON.
#pragma once

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "infrastructure/logging/log_format.h"

namespace agentd::log {

using Value = std::variant<std::string_view, std::int64_t, double, bool>;
using Field = std::pair<std::string_view, Value>;
using Fields = std::initializer_list<Field>;

void setup(LogFormat format, std::string_view level, LogOutput output = LogOutput::standard_output);

void debug(std::string_view event, Fields fields = {});
void info(std::string_view event, Fields fields = {});
void warn(std::string_view event, Fields fields = {});
void error(std::string_view event, Fields fields = {});

// What a detached coroutine let escape, for its completion handler to log: the exception's
// message, or "unknown exception".
std::string describe(std::exception_ptr failure);

// The completion handler of a detached coroutine (co_spawn): logs what it let escape as
// `event`, a string literal, so no failure goes unseen.
inline auto failure_handler(std::string_view event) {
  return [event](std::exception_ptr failure) {
    if (failure) error(event, {{"error", describe(failure)}});
  };
}

}  // namespace agentd::log
