#include "application/chat/context_limits.h"

#include <array>

namespace agentd {
namespace {

struct Family {
  std::string_view prefix;
  ContextLimits limits;
};

// Longest prefix first where one family's name starts another's.
constexpr std::array<Family, 8> kFamilies{{
    {"gpt-4.1", {1'047'576, 32'768}},
    {"gpt-4o", {128'000, 16'384}},
    {"gpt-4-turbo", {128'000, 4'096}},
    {"gpt-5", {400'000, 128'000}},
    {"o1", {200'000, 100'000}},
    {"o3", {200'000, 100'000}},
    {"o4", {200'000, 100'000}},
    {"claude", {200'000, 8'192}},
}};

constexpr ContextLimits kUnknownModel{32'768, 4'096};

}  // namespace

ContextLimits default_context_limits(std::string_view upstream_model) {
  for (const auto& family : kFamilies) {
    if (upstream_model.starts_with(family.prefix)) return family.limits;
  }
  return kUnknownModel;
}

}  // namespace agentd
