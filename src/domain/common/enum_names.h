// A fixed table of an enum's wire names, read both ways.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace agentd {

template <typename Enum, std::size_t N>
struct EnumNames {
  std::array<std::pair<Enum, std::string_view>, N> entries;

  // The first entry's name stands for a value missing from the table.
  constexpr std::string_view name(Enum value) const {
    for (const auto& [entry, text] : entries) {
      if (entry == value) return text;
    }
    return entries[0].second;
  }

  constexpr std::optional<Enum> parse(std::string_view text) const {
    for (const auto& [entry, name] : entries) {
      if (name == text) return entry;
    }
    return std::nullopt;
  }
};

}  // namespace agentd
