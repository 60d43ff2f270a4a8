#include "infrastructure/persistence/postgres/pg_params.h"

#include "infrastructure/text/rfc3339.h"

namespace agentd::postgres {

PgParams& PgParams::add(TimePoint time) {
  // Microseconds, as timestamptz keeps them; the Z reads as UTC whatever the session's zone.
  values_.emplace_back(format_rfc3339_micros(time));
  return *this;
}

std::vector<const char*> PgParams::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

}  // namespace agentd::postgres
