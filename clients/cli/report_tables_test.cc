#include "clients/cli/report_tables.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "clients/cli/output.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/report_samples.h"

namespace convene::cli {
namespace {

namespace v1 = ::convene::aggregation::v1;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// No line is wider than `width` characters.
void ExpectFits(const std::string& text, int width) {
  for (const std::string& line : Lines(text)) {
    EXPECT_LE(DisplayWidth(line), width) << "\"" << line << "\"";
  }
}

// A two-way breakdown as the service gives it: long sector names next to suppressed cells.
aggregation::TextTable SectorTable() {
  return {
      {"country", "sector", "respondents", "n", "mean", "median", "top-two-box"},
      {{"MY", "international-organisation", "12", "12", "4.42", "4.5", "91.7%"},
       {"MY", "human-rights-institution", "suppressed (complementary)", "", "", "", ""},
       {"TH", "anti-corruption-body", "suppressed (< 5)", "", "", "", ""},
       {"TH", "international-organisation", "9", "suppressed (fewer than 5 answers)", "", "", ""},
       {"VN", "civil-society", "8", "8", "4.25", "4", "87.5%"}}};
}

TEST(BreakdownLayoutTest, LongValuesWrapInsteadOfBeingCut) {
  const std::string text = BreakdownLayout(SectorTable(), 2, 78);
  ExpectFits(text, 78);
  EXPECT_THAT(text, Not(HasSubstr("…")));
  // The sector wraps after its hyphen; every figure and marker is whole, on the row's first line.
  EXPECT_THAT(Lines(text), Contains(AllOf(HasSubstr("MY"), HasSubstr("international-"),
                                          HasSubstr("12"), HasSubstr("4.42"), HasSubstr("91.7%"))));
  EXPECT_THAT(Lines(text), Contains(HasSubstr("organisation")));
  EXPECT_THAT(Lines(text),
              Contains(AllOf(HasSubstr("human-rights-"), HasSubstr("suppressed (complementary)"))));
  EXPECT_THAT(Lines(text),
              Contains(AllOf(HasSubstr("9"), HasSubstr("suppressed (fewer than 5 answers)"))));
  EXPECT_THAT(Lines(text), Contains(AllOf(HasSubstr("VN"), HasSubstr("civil-society"))));
}

TEST(BreakdownLayoutTest, MarkersSpanTheFigureColumnsWithoutWideningRespondents) {
  const std::vector<std::string> lines = Lines(BreakdownLayout(SectorTable(), 2, 200));
  // Wide enough: one line per row, the values whole.
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_THAT(lines[1], HasSubstr("international-organisation"));
  // The respondents column is as wide as its header: the next column starts right after it.
  const size_t respondents = lines[0].find("respondents");
  const size_t n = lines[0].find("  n  ") + 2;
  EXPECT_EQ(n, respondents + std::string("respondents").size() + 2);
  // The marker starts where the respondents column does and is whole.
  EXPECT_EQ(lines[2].find("suppressed (complementary)"), respondents);
  EXPECT_EQ(lines[4].find("suppressed (fewer than 5 answers)"), n);
}

TEST(BreakdownLayoutTest, AWordLongerThanItsColumnBreaksButStaysWhole) {
  aggregation::TextTable table{{"sector", "respondents", "n"},
                               {{"abcdefghijklmnopqrstuvwxyz", "7", "7"}}};
  const std::vector<std::string> lines = Lines(BreakdownLayout(table, 1, 24));
  ASSERT_GE(lines.size(), 3u);
  std::string rejoined;
  for (size_t i = 1; i < lines.size(); ++i) rejoined += lines[i].substr(0, lines[i].find(' '));
  EXPECT_EQ(rejoined, "abcdefghijklmnopqrstuvwxyz");
}

TEST(SurveyTableTest, BreakdownFitsAndShowsWithheldQuestions) {
  const std::string text = SurveyTable(aggregation::SampleSurveySummary(true), 80);
  ExpectFits(text, 80);
  EXPECT_THAT(text, AllOf(HasSubstr("suppressed (< 5)"), HasSubstr("suppressed (complementary)"),
                          HasSubstr("suppressed (fewer than 5 answers)")));

  // A question withheld overall: no figures, the reason instead.
  v1::SummarizeSurveyResponse small = aggregation::SampleSurveySummary(false);
  v1::QuestionSummary* q = small.mutable_questions(7);
  const std::string key = q->key();
  q->Clear();
  q->set_key(key);
  q->set_kind("free-text");
  q->set_text("What was the most useful aspect?");
  q->set_suppressed(true);
  q->set_suppressed_reason("fewer than 5 answers");
  small.clear_score();
  small.set_score_suppressed(true);
  small.set_min_cell_size(5);
  const std::string withheld = SurveyTable(small, 80);
  EXPECT_THAT(withheld,
              AllOf(HasSubstr("Q8. What was the most useful aspect?\n  free-text, key most_useful\n"
                              "  No figures: suppressed (fewer than 5 answers), as the survey is "
                              "anonymous.\n"),
                    HasSubstr("Quiz score (out of 1)\n  No figures: suppressed (fewer than 5 "
                              "responses), as the survey is anonymous.\n")));
}

TEST(PrePostTableTest, TableAndSentencesWriteThePValueAlike) {
  v1::ComparePrePostResponse prepost = aggregation::SamplePrePost();
  const std::string text = PrePostTable(prepost, 80);
  EXPECT_THAT(text, HasSubstr("Wilcoxon signed-rank p (two-sided)  < 0.001\n"));
  EXPECT_THAT(text, Not(HasSubstr("0.0001")));
  prepost.set_wilcoxon_p_value(0.04271);
  EXPECT_THAT(PrePostTable(prepost, 80), HasSubstr("Wilcoxon signed-rank p (two-sided)  0.043\n"));
}

TEST(PrePostTableTest, WithheldFiguresReadSuppressed) {
  const std::string text = PrePostTable(aggregation::SamplePrePostWithheld(), 80);
  EXPECT_THAT(text, AllOf(HasSubstr("pairs              36\n"),
                          HasSubstr("answered only one  4 the pre-test, 2 the post-test\n"),
                          HasSubstr("figures            suppressed (fewer than 5 took only the "
                                    "pre-test)\n"),
                          HasSubstr("  art13      suppressed               Article 13 of UNCAC"),
                          Not(HasSubstr("mean gain")), Not(HasSubstr("%  "))));
  ExpectFits(text, 80);
  // One item withheld for its own few answers says why.
  v1::ComparePrePostResponse one = aggregation::SamplePrePost();
  v1::PrePostItem* item = one.mutable_items(1);
  item->clear_percent_correct_pre();
  item->clear_percent_correct_post();
  item->set_suppressed(true);
  item->set_suppressed_reason("fewer than 5 answers");
  EXPECT_THAT(PrePostTable(one, 80),
              AllOf(HasSubstr("  art13      suppressed (fewer than 5 answers)"),
                    HasSubstr("mean gain"), HasSubstr("47.5%")));
}

}  // namespace
}  // namespace convene::cli
