#include "infrastructure/console/console_files.h"

#include "infrastructure/files/embed.h"

AGENTD_EMBED(console_page, AGENTD_CONSOLE_DIR "/index.html")
AGENTD_EMBED(console_script, AGENTD_CONSOLE_DIR "/assets/console.js")
AGENTD_EMBED(console_style, AGENTD_CONSOLE_DIR "/assets/console.css")

namespace agentd::console {

std::string_view page_html() { return console_page(); }
std::string_view script() { return console_script(); }
std::string_view style_sheet() { return console_style(); }

}  // namespace agentd::console
