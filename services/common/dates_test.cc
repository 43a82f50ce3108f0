#include "services/common/dates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

using ::convene::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseDayTest, AcceptsRealDays) {
  auto day = ParseDay("2024-02-29", "start_date");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(FormatDay(*day), "2024-02-29");
}

TEST(ParseDayTest, RejectsImpossibleAndMalformedDays) {
  for (const char* text :
       {"2023-02-29", "2024-13-01", "2024-1-1", "01/10/2024", "", "2024-10-01x"}) {
    EXPECT_THAT(ParseDay(text, "start_date"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start_date")))
        << text;
  }
}

TEST(LoadZoneTest, KnowsIanaZonesAndNamesTheFieldOtherwise) {
  EXPECT_TRUE(LoadZone("Asia/Kuala_Lumpur", "time_zone").ok());
  EXPECT_TRUE(LoadZone("Asia/Almaty", "time_zone").ok());
  EXPECT_THAT(LoadZone("Asia/Atlantis", "time_zone"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("time_zone")));
  EXPECT_THAT(LoadZone("", "time_zone"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("required")));
}

// Found by fuzz/dates_fuzzer: "Australia/Lord_Howe\0..." loaded as Lord Howe (the loader reads the
// name as a C string). Abseil's loader also opens any path it is given and caches every name.
TEST(LoadZoneTest, TakesOnlyNamesOfTheZoneDatabase) {
  EXPECT_TRUE(LoadZone("America/Argentina/Buenos_Aires", "time_zone").ok());
  EXPECT_TRUE(LoadZone("Etc/GMT+5", "time_zone").ok());
  EXPECT_TRUE(LoadZone("UTC", "time_zone").ok());
  for (const std::string name :
       {std::string("Australia/Lord_Howe\0" "2024", 24), std::string("/etc/localtime"),
        std::string("/usr/share/zoneinfo/Asia/Jakarta"), std::string("file:/etc/localtime"),
        std::string("../zoneinfo/Asia/Jakarta"), std::string("Asia/./Jakarta"),
        std::string("Asia//Jakarta"), std::string("Asia/Jakarta/"), std::string("localtime"),
        std::string("Fixed/UTC+05:00:00"), std::string("zone.tab"), std::string("Asia")}) {
    EXPECT_THAT(LoadZone(name, "time_zone"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("time_zone")))
        << name;
  }
}

}  // namespace
}  // namespace convene
