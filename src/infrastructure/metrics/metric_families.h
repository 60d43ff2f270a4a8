// Counters, gauges and histograms with labels, written in the Prometheus text exposition
// format (version 0.0.4). A family is one metric name and its label names; a child holds the
// value for one combination of label values, made on first use and never removed, so
// label values must come from a small, known set.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace agentd::metrics {

using LabelValues = std::initializer_list<std::string_view>;

class Family {
 public:
  Family(std::string name, std::string help, std::string type, std::vector<std::string> labels)
      : name_(std::move(name)),
        help_(std::move(help)),
        type_(std::move(type)),
        labels_(std::move(labels)) {}
  virtual ~Family() = default;

  // HELP, TYPE and every child's samples, children in the order of their label values.
  void write(std::string& out) const;

 protected:
  struct Child {
    virtual ~Child() = default;
    std::vector<std::string> values;
  };
  // The child for these values (as many as the family has labels), made if new.
  Child& child(LabelValues values);
  virtual std::unique_ptr<Child> make_child() const = 0;
  virtual void write_samples(std::string& out, const Child& child) const = 0;
  // `name{labels,extra}` for a sample of `child`.
  void write_series(std::string& out, std::string_view suffix, const Child& child,
                    std::string_view extra_label = {}, std::string_view extra_value = {}) const;

 private:
  std::string name_;
  std::string help_;
  std::string type_;
  std::vector<std::string> labels_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Child>> children_;
};

class Counter final : public Family {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> labels = {})
      : Family(std::move(name), std::move(help), "counter", std::move(labels)) {}
  void add(LabelValues values, double amount = 1);

 private:
  struct Value : Child {
    std::atomic<double> total{0};
  };
  std::unique_ptr<Child> make_child() const override { return std::make_unique<Value>(); }
  void write_samples(std::string& out, const Child& child) const override;
};

class Gauge final : public Family {
 public:
  Gauge(std::string name, std::string help, std::vector<std::string> labels = {})
      : Family(std::move(name), std::move(help), "gauge", std::move(labels)) {}
  void set(LabelValues values, double value);
  void add(LabelValues values, double amount);

 private:
  struct Value : Child {
    std::atomic<double> value{0};
  };
  std::unique_ptr<Child> make_child() const override { return std::make_unique<Value>(); }
  void write_samples(std::string& out, const Child& child) const override;
};

class Histogram final : public Family {
 public:
  // `bounds`: the buckets' upper bounds, ascending; +Inf is implied.
  Histogram(std::string name, std::string help, std::vector<std::string> labels,
            std::vector<double> bounds)
      : Family(std::move(name), std::move(help), "histogram", std::move(labels)),
        bounds_(std::move(bounds)) {}
  void observe(LabelValues values, double value);

 private:
  struct Value : Child {
    explicit Value(std::size_t buckets) : counts(buckets + 1) {}
    std::vector<std::atomic<std::uint64_t>> counts;  // per bucket, not cumulative; last is +Inf
    std::atomic<double> sum{0};
  };
  std::unique_ptr<Child> make_child() const override {
    return std::make_unique<Value>(bounds_.size());
  }
  void write_samples(std::string& out, const Child& child) const override;

  std::vector<double> bounds_;
};

}  // namespace agentd::metrics
