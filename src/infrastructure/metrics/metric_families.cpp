#include "infrastructure/metrics/metric_families.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace agentd::metrics {
namespace {

// Label values are escaped (backslash, double quote, line feed); HELP text too, but for quotes.
void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_number(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  out.append(text, ec == std::errc() ? end : text);
}

void add_to(std::atomic<double>& target, double amount) {
  target.fetch_add(amount, std::memory_order_relaxed);
}

}  // namespace

Family::Child& Family::child(LabelValues values) {
  if (values.size() != labels_.size()) throw std::logic_error("wrong label count for " + name_);
  std::string key;
  for (auto value : values) {
    key += value;
    key += '\x1f';
  }
  std::lock_guard lock(mutex_);
  auto& slot = children_[key];
  if (!slot) {
    slot = make_child();
    slot->values.assign(values.begin(), values.end());
  }
  return *slot;
}

void Family::write(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_;
  out += '\n';
  std::lock_guard lock(mutex_);
  std::vector<const Child*> children;
  children.reserve(children_.size());
  for (const auto& [key, child] : children_) children.push_back(child.get());
  std::sort(children.begin(), children.end(),
            [](const Child* a, const Child* b) { return a->values < b->values; });
  for (const auto* child : children) write_samples(out, *child);
}

void Family::write_series(std::string& out, std::string_view suffix, const Child& child,
                          std::string_view extra_label, std::string_view extra_value) const {
  out += name_;
  out += suffix;
  bool any = false;
  auto label = [&](std::string_view name, std::string_view value) {
    // An empty value is the same as no label: left out, as OpenTelemetry leaves out an
    // attribute that does not apply (error_type on success).
    if (value.empty()) return;
    out += any ? ',' : '{';
    any = true;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  };
  for (std::size_t i = 0; i < labels_.size(); ++i) label(labels_[i], child.values[i]);
  if (!extra_label.empty()) label(extra_label, extra_value);
  if (any) out += '}';
  out += ' ';
}

void Counter::add(LabelValues values, double amount) {
  add_to(static_cast<Value&>(child(values)).total, amount);
}

void Counter::write_samples(std::string& out, const Child& child) const {
  write_series(out, "", child);
  append_number(out, static_cast<const Value&>(child).total.load(std::memory_order_relaxed));
  out += '\n';
}

void Gauge::set(LabelValues values, double value) {
  static_cast<Value&>(child(values)).value.store(value, std::memory_order_relaxed);
}

void Gauge::add(LabelValues values, double amount) {
  add_to(static_cast<Value&>(child(values)).value, amount);
}

void Gauge::write_samples(std::string& out, const Child& child) const {
  write_series(out, "", child);
  append_number(out, static_cast<const Value&>(child).value.load(std::memory_order_relaxed));
  out += '\n';
}

void Histogram::observe(LabelValues values, double value) {
  auto& histogram = static_cast<Value&>(child(values));
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  histogram.counts[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  add_to(histogram.sum, value);
}

void Histogram::write_samples(std::string& out, const Child& child) const {
  const auto& histogram = static_cast<const Value&>(child);
  std::uint64_t cumulative = 0;
  std::string bound;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += histogram.counts[i].load(std::memory_order_relaxed);
    bound.clear();
    append_number(bound, i < bounds_.size() ? bounds_[i] : INFINITY);
    write_series(out, "_bucket", child, "le", bound);
    out += std::to_string(cumulative);
    out += '\n';
  }
  write_series(out, "_sum", child);
  append_number(out, histogram.sum.load(std::memory_order_relaxed));
  out += "\n";
  write_series(out, "_count", child);
  out += std::to_string(cumulative);
  out += '\n';
}

}  // namespace agentd::metrics
