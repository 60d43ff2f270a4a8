// Stored times: RFC 3339 UTC text that round-trips to the microsecond and sorts like time.
#include "infrastructure/persistence/time_codec.h"

#include <gtest/gtest.h>

namespace agentd::persistence {
namespace {

using namespace std::chrono;

const system_clock::time_point kPiDay =
    sys_days{year{2026} / 3 / 14} + 9h + 26min + 53s + microseconds{589793};

TEST(TimeCodec, EncodesUtcWithSixFractionDigits) {
  EXPECT_EQ(encode_time(kPiDay), "2026-03-14T09:26:53.589793Z");
  EXPECT_EQ(encode_time(sys_days{year{1999} / 12 / 31}), "1999-12-31T00:00:00.000000Z");
}

TEST(TimeCodec, DropsPrecisionBelowAMicrosecond) {
  EXPECT_EQ(encode_time(kPiDay + nanoseconds{999}), "2026-03-14T09:26:53.589793Z");
}

TEST(TimeCodec, DecodesWhatItEncodes) {
  EXPECT_EQ(decode_time(encode_time(kPiDay)), kPiDay);
  EXPECT_EQ(decode_time(encode_time(sys_days{year{1969} / 7 / 20} + 20h + 17min)),
            sys_days{year{1969} / 7 / 20} + 20h + 17min);
}

TEST(TimeCodec, DecodesOffsetsSpacesAndShortOrLongFractions) {
  EXPECT_EQ(decode_time("2026-03-14T11:26:53.589793+02:00"), kPiDay);
  EXPECT_EQ(decode_time("2026-03-14 09:26:53.589793z"), kPiDay);
  EXPECT_EQ(decode_time("2026-03-13T23:56:53.589793-09:30"), kPiDay);
  EXPECT_EQ(decode_time("2026-03-14T09:26:53.5Z"), kPiDay - microseconds{89793});
  EXPECT_EQ(decode_time("2026-03-14T09:26:53.589793999Z"), kPiDay);
  EXPECT_EQ(decode_time("2026-03-14T09:26:53Z"), kPiDay - microseconds{589793});
}

TEST(TimeCodec, RejectsWhatIsNotAnRfc3339Time) {
  for (const char* text :
       {"", "2026-03-14", "2026-03-14T09:26:53", "2026-02-30T00:00:00Z", "2026-03-14T24:00:00Z",
        "2026-03-14T09:26:53.Z", "2026-03-14T09:26:53.1234567890Z", "2026-03-14T09:26:53+0200",
        "2026-03-14T09:26:53Z ", "+026-03-14T09:26:53Z", "2026-03-14X09:26:53Z",
        "2026-03-14T09:26:53+24:00"}) {
    EXPECT_FALSE(decode_time(text)) << text;
  }
}

TEST(TimeCodec, TextSortsLikeTheTimesItEncodes) {
  const auto before = sys_days{year{2026} / 3 / 14} + 9h + 59min + 59s + microseconds{999999};
  EXPECT_LT(encode_time(before), encode_time(before + microseconds{1}));
  EXPECT_LT(encode_time(before), encode_time(before + 24h * 365));
}

}  // namespace
}  // namespace agentd::persistence
