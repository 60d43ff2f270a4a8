// How log lines are written; chosen by configuration (AGENTD_LOG_FORMAT).
#pragma once

namespace agentd::log {

enum class LogFormat { text, json };

}  // namespace agentd::log
