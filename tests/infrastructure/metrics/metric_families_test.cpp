#include "infrastructure/metrics/metric_families.h"

#include <gtest/gtest.h>

namespace agentd::metrics {
namespace {

std::string text_of(const Family& family) {
  std::string out;
  family.write(out);
  return out;
}

TEST(MetricFamiliesTest, ACounterWritesHelpTypeAndOneLinePerLabelSetInOrder) {
  Counter counter("jobs_total", "Jobs done.", {"kind"});
  counter.add({"b"});
  counter.add({"a"}, 2.5);
  counter.add({"b"});
  EXPECT_EQ(text_of(counter),
            "# HELP jobs_total Jobs done.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{kind=\"a\"} 2.5\n"
            "jobs_total{kind=\"b\"} 2\n");
}

TEST(MetricFamiliesTest, LabelValuesAreEscapedAndAnEmptyValueIsLeftOut) {
  Counter counter("errors_total", "Errors.", {"path", "error_type"});
  counter.add({"a\"b\\c\nd", ""});
  EXPECT_NE(text_of(counter).find("errors_total{path=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos)
      << text_of(counter);
}

TEST(MetricFamiliesTest, AGaugeWithoutLabelsGoesUpAndDown) {
  Gauge gauge("open", "Open now.");
  gauge.add({}, 1);
  gauge.add({}, 1);
  gauge.add({}, -1);
  EXPECT_EQ(text_of(gauge), "# HELP open Open now.\n# TYPE open gauge\nopen 1\n");
}

TEST(MetricFamiliesTest, AHistogramWritesCumulativeBucketsSumAndCount) {
  Histogram histogram("wait_seconds", "Waits.", {"queue"}, {0.1, 1});
  histogram.observe({"q"}, 0.05);
  histogram.observe({"q"}, 0.1);  // on a bound: counted in that bucket (le is "at most")
  histogram.observe({"q"}, 0.5);
  histogram.observe({"q"}, 3);
  EXPECT_EQ(text_of(histogram),
            "# HELP wait_seconds Waits.\n"
            "# TYPE wait_seconds histogram\n"
            "wait_seconds_bucket{queue=\"q\",le=\"0.1\"} 2\n"
            "wait_seconds_bucket{queue=\"q\",le=\"1\"} 3\n"
            "wait_seconds_bucket{queue=\"q\",le=\"+Inf\"} 4\n"
            "wait_seconds_sum{queue=\"q\"} 3.65\n"
            "wait_seconds_count{queue=\"q\"} 4\n");
}

TEST(MetricFamiliesTest, TheWrongNumberOfLabelValuesIsAProgrammingError) {
  Counter counter("jobs_total", "Jobs.", {"kind"});
  EXPECT_THROW(counter.add({"a", "b"}), std::logic_error);
}

}  // namespace
}  // namespace agentd::metrics
