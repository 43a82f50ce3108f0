#include "services/common/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

using ::convene::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseCsvTest, QuotesCommasAndEmbeddedLineBreaks) {
  auto records = ParseCsv(
      "name,organization\r\n"
      "\"Nguyễn Thị Hoa\",\"Towards Transparency, Vietnam\"\r\n"
      "\"Ahmad \"\"Zul\"\" Hassan\",\"Line one\nLine two\"\r\n"
      "Siti,KPK\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 4u);
  EXPECT_THAT((*records)[1].cells, ElementsAre("Nguyễn Thị Hoa", "Towards Transparency, Vietnam"));
  EXPECT_THAT((*records)[2].cells, ElementsAre("Ahmad \"Zul\" Hassan", "Line one\nLine two"));
  EXPECT_EQ((*records)[2].line, 3);
  // The record after a two-line field starts on line 5.
  EXPECT_EQ((*records)[3].line, 5);
  EXPECT_THAT((*records)[3].cells, ElementsAre("Siti", "KPK"));
}

TEST(ParseCsvTest, ByteOrderMarkBlankLinesAndEmptyCells) {
  auto records = ParseCsv("\xEF\xBB\xBFname,email\n\n,x@y.org\na,\n\n");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 3u);
  EXPECT_THAT((*records)[0].cells, ElementsAre("name", "email"));
  EXPECT_THAT((*records)[1].cells, ElementsAre("", "x@y.org"));
  EXPECT_EQ((*records)[1].line, 3);
  EXPECT_THAT((*records)[2].cells, ElementsAre("a", ""));
}

TEST(ParseCsvTest, NoTrailingNewline) {
  auto records = ParseCsv("a,b\n1,2");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_THAT((*records)[1].cells, ElementsAre("1", "2"));
}

TEST(ParseCsvTest, UnclosedQuoteNamesTheLineWhereItOpened) {
  EXPECT_THAT(ParseCsv("a,b\n1,\"open\n2,3\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2: a quoted field")));
}

TEST(ParseCsvTest, TextAfterClosingQuoteIsAnError) {
  EXPECT_THAT(ParseCsv("a\n\"x\"y\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2")));
}

TEST(CsvFieldTest, QuotesWhenNeededAndDisarmsFormulas) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("-3.5"), "-3.5");
  EXPECT_EQ(CsvLine({"a", "b,c"}), "a,\"b,c\"\r\n");
}

TEST(CsvRoundTripTest, WrittenFieldsParseBack) {
  std::vector<std::string> fields = {"x", "with, comma", "with \"quote\"", "two\nlines", ""};
  auto records = ParseCsv(CsvLine(fields));
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].cells, fields);
}

}  // namespace
}  // namespace convene
