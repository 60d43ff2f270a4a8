// How log lines are written; chosen by configuration (AGENTD_LOG_FORMAT).
#pragma once

namespace agentd::log {

enum class LogFormat { text, json };

// Where log lines go: the server's to standard output; an administration command's to standard
// error, leaving standard output to what the command prints.
enum class LogOutput { standard_output, standard_error };

}  // namespace agentd::log
