// RFC 3339 times: whole seconds on the wire; in storage, text that round-trips to the
// microsecond and sorts like time.
#include "infrastructure/text/rfc3339.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

using namespace std::chrono;

const system_clock::time_point kPiDay =
    sys_days{year{2026} / 3 / 14} + 9h + 26min + 53s + microseconds{589793};

TEST(Rfc3339, EncodesUtcWithSixFractionDigits) {
  EXPECT_EQ(format_rfc3339_micros(kPiDay), "2026-03-14T09:26:53.589793Z");
  EXPECT_EQ(format_rfc3339_micros(sys_days{year{1999} / 12 / 31}), "1999-12-31T00:00:00.000000Z");
}

TEST(Rfc3339, FormatsWholeSecondsForTheWire) {
  EXPECT_EQ(format_rfc3339_seconds(kPiDay), "2026-03-14T09:26:53Z");
  EXPECT_EQ(format_rfc3339_seconds(sys_days{year{1999} / 12 / 31}), "1999-12-31T00:00:00Z");
  // Rounded down, before 1970 too.
  EXPECT_EQ(format_rfc3339_seconds(sys_days{year{1969} / 12 / 31} + 23h + 59min + 59s +
                                   milliseconds{999}),
            "1969-12-31T23:59:59Z");
}

TEST(Rfc3339, ParsesWhatTheWireShows) {
  EXPECT_EQ(parse_rfc3339(format_rfc3339_seconds(kPiDay)), floor<seconds>(kPiDay));
}

TEST(Rfc3339, DropsPrecisionBelowAMicrosecond) {
  EXPECT_EQ(format_rfc3339_micros(kPiDay + nanoseconds{999}), "2026-03-14T09:26:53.589793Z");
}

TEST(Rfc3339, DecodesWhatItEncodes) {
  EXPECT_EQ(parse_rfc3339(format_rfc3339_micros(kPiDay)), kPiDay);
  EXPECT_EQ(parse_rfc3339(format_rfc3339_micros(sys_days{year{1969} / 7 / 20} + 20h + 17min)),
            sys_days{year{1969} / 7 / 20} + 20h + 17min);
}

TEST(Rfc3339, DecodesOffsetsSpacesAndShortOrLongFractions) {
  EXPECT_EQ(parse_rfc3339("2026-03-14T11:26:53.589793+02:00"), kPiDay);
  EXPECT_EQ(parse_rfc3339("2026-03-14 09:26:53.589793z"), kPiDay);
  EXPECT_EQ(parse_rfc3339("2026-03-13T23:56:53.589793-09:30"), kPiDay);
  EXPECT_EQ(parse_rfc3339("2026-03-14T09:26:53.5Z"), kPiDay - microseconds{89793});
  EXPECT_EQ(parse_rfc3339("2026-03-14T09:26:53.589793999Z"), kPiDay);
  EXPECT_EQ(parse_rfc3339("2026-03-14T09:26:53Z"), kPiDay - microseconds{589793});
}

TEST(Rfc3339, RejectsWhatIsNotAnRfc3339Time) {
  for (const char* text :
       {"", "2026-03-14", "2026-03-14T09:26:53", "2026-02-30T00:00:00Z", "2026-03-14T24:00:00Z",
        "2026-03-14T09:26:53.Z", "2026-03-14T09:26:53.1234567890Z", "2026-03-14T09:26:53+0200",
        "2026-03-14T09:26:53Z ", "+026-03-14T09:26:53Z", "2026-03-14X09:26:53Z",
        "2026-03-14T09:26:53+24:00"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, TextSortsLikeTheTimesItEncodes) {
  const auto before = sys_days{year{2026} / 3 / 14} + 9h + 59min + 59s + microseconds{999999};
  EXPECT_LT(format_rfc3339_micros(before), format_rfc3339_micros(before + microseconds{1}));
  EXPECT_LT(format_rfc3339_micros(before), format_rfc3339_micros(before + 24h * 365));
}

}  // namespace
}  // namespace agentd
