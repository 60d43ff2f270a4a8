// Whether a provider request asks for its answer as a stream of events.
#pragma once

namespace agentd::llm {

enum class Streaming { no, yes };

}  // namespace agentd::llm
