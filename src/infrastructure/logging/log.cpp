#include "infrastructure/logging/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "infrastructure/text/utf8.h"

namespace agentd::log {
namespace {

LogFormat g_format = LogFormat::text;

// Boost.JSON writes a string's bytes as they are: a request path that is not UTF-8 would
// make the whole line invalid JSON, so such text is repaired first.
void append_json_string(std::string& out, std::string_view text) {
  if (is_valid_utf8(text)) {
    out += boost::json::serialize(boost::json::string(text));
  } else {
    out += boost::json::serialize(boost::json::string(to_valid_utf8(text)));
  }
}

std::string render_text(std::string_view event, Fields fields) {
  std::string line(event);
  for (const auto& [name, value] : fields) {
    line += ' ';
    line += name;
    line += '=';
    std::visit(
        [&line](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string_view>) {
            line += v;
          } else if constexpr (std::is_same_v<V, bool>) {
            line += v ? "true" : "false";
          } else {
            line += std::to_string(v);
          }
        },
        value);
  }
  return line;
}

std::string render_json(spdlog::level::level_enum level, std::string_view event, Fields fields) {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::snprintf(stamp + std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc), 8, ".%03dZ",
                static_cast<int>(millis.count()));
  std::string line = "{\"ts\":\"" + std::string(stamp) + "\",\"level\":\"";
  line += spdlog::level::to_string_view(level).data();
  line += "\",\"event\":";
  append_json_string(line, event);
  for (const auto& [name, value] : fields) {
    line += ',';
    append_json_string(line, name);
    line += ':';
    std::visit(
        [&line](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string_view>) {
            append_json_string(line, v);
          } else if constexpr (std::is_same_v<V, bool>) {
            line += v ? "true" : "false";
          } else {
            line += std::to_string(v);
          }
        },
        value);
  }
  line += '}';
  return line;
}

void write(spdlog::level::level_enum level, std::string_view event, Fields fields) {
  auto* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  logger->log(level, g_format == LogFormat::json ? render_json(level, event, fields)
                                                 : render_text(event, fields));
}

}  // namespace

void setup(LogFormat format, std::string_view level, LogOutput output) {
  g_format = format;
  auto logger = output == LogOutput::standard_error ? spdlog::stderr_logger_mt("agentd")
                                                    : spdlog::stdout_logger_mt("agentd");
  logger->set_pattern(format == LogFormat::json ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  // Flushing every line would cost a syscall per request; warnings flush at once.
  logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
  spdlog::set_default_logger(std::move(logger));
}

void debug(std::string_view event, Fields fields) { write(spdlog::level::debug, event, fields); }
void info(std::string_view event, Fields fields) { write(spdlog::level::info, event, fields); }
void warn(std::string_view event, Fields fields) { write(spdlog::level::warn, event, fields); }
void error(std::string_view event, Fields fields) { write(spdlog::level::err, event, fields); }

std::string describe(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace agentd::log
