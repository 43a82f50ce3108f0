#include "services/common/limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "google/protobuf/field_mask.pb.h"
#include "services/common/requests.h"
#include "services/common/status.h"
#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CharacterCountTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(CharacterCount(""), 0u);
  EXPECT_EQ(CharacterCount("Hoa"), 3u);
  EXPECT_EQ(CharacterCount("Nguyễn Thị Hoa"), 14u);
  EXPECT_EQ(CharacterCount("Алматы"), 6u);
  EXPECT_EQ(CharacterCount("😀"), 1u);
  // Bytes that are not UTF-8 count one each, so they cannot slip past a limit.
  EXPECT_EQ(CharacterCount(std::string(10, '\x80')), 10u);
  EXPECT_EQ(CharacterCount("\xE1\xBB"), 2u);  // a truncated sequence
}

TEST(CheckLengthTest, AcceptsUpToTheLimitInCharacters) {
  EXPECT_THAT(CheckLength("name", std::string(1000, 'a'), kMaxLineLength), IsOk());
  // 1000 Vietnamese letters are 3000 bytes, and still fit.
  std::string vietnamese;
  for (int i = 0; i < 1000; ++i) vietnamese += "ễ";
  EXPECT_THAT(CheckLength("name", vietnamese, kMaxLineLength), IsOk());
  EXPECT_THAT(CheckLength("name", vietnamese + "ễ", kMaxLineLength),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("name: 1001 characters, at most 1000")));
}

TEST(CheckCountTest, NamesFieldCountAndLimit) {
  EXPECT_THAT(CheckCount("rows", kMaxImportRows, kMaxImportRows, "rows"), IsOk());
  EXPECT_THAT(
      CheckCount("rows", kMaxImportRows + 1, kMaxImportRows, "rows"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rows: 100001 rows, at most 100000")));
}

TEST(CheckImportRowsTest, SaysToSplitTheFile) {
  EXPECT_THAT(CheckImportRows(kMaxImportRows), IsOk());
  EXPECT_THAT(CheckImportRows(kMaxImportRows + 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("rows: 100001 rows, at most 100000 in one import; split")));
}

TEST(CheckResponseSizeTest, RefusesAnswersLargerThanAMessage) {
  google::protobuf::FieldMask small;
  small.add_paths("title");
  EXPECT_THAT(CheckResponseSize(small, "import in parts"), IsOk());
  google::protobuf::FieldMask large;
  large.add_paths(std::string(kMaxMessageBytes, 'x'));
  EXPECT_THAT(CheckResponseSize(large, "import in parts"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("more than the 64 MB a message may carry; import in parts")));
}

TEST(ShortenErrorMessageTest, CutsAtACharacterBoundaryAndSaysSo) {
  EXPECT_EQ(ShortenErrorMessage("email: is required"), "email: is required");
  std::string huge = "country: \"";
  for (int i = 0; i < 100000; ++i) huge += "ễ";
  const std::string shortened = ShortenErrorMessage(huge);
  EXPECT_LE(shortened.size(), kMaxErrorMessageBytes);
  EXPECT_THAT(shortened, ::testing::StartsWith("country: \""));
  EXPECT_THAT(shortened, ::testing::EndsWith("ễ…"));
  // What crosses the wire is shortened the same way.
  const grpc::Status status = ToGrpcStatus(absl::InvalidArgumentError(huge));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), shortened);
}

TEST(RequestsTest, RequiredIdsAndRequestIdsAreBounded) {
  EXPECT_THAT(Required("event_id", "evt_k3m9x2q7h4tw"), IsOk());
  EXPECT_THAT(Required("event_id", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("event_id: is required")));
  EXPECT_THAT(Required("event_id", std::string(101, 'e')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("event_id: 101 characters, at most 100")));
  EXPECT_THAT(CheckRequestId(std::string(100, 'r')), IsOk());
  EXPECT_THAT(CheckRequestId(std::string(101, 'r')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id: 101")));
}

TEST(RequestsTest, PageSizesAreCapped) {
  EXPECT_EQ(*PageSize(0), kDefaultPageSize);
  EXPECT_EQ(*PageSize(kMaxPageSize + 1), kMaxPageSize);
  EXPECT_THAT(PageSize(-1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size: -1 is negative")));
}

}  // namespace
}  // namespace convene
