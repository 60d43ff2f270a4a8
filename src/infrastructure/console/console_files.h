// The web console (web/console, built by Vite when agentd is built) as files built into the
// binary: the page and its one script and one style sheet, under fixed names.
#pragma once

#include <string_view>

namespace agentd::console {

std::string_view page_html();    // index.html
std::string_view script();       // assets/console.js
std::string_view style_sheet();  // assets/console.css

}  // namespace agentd::console
