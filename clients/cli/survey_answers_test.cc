// The CLI's forms of answers against the survey service's own reading of them.
#include "clients/cli/survey_answers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/survey/survey_rules.h"

namespace convene::cli {
namespace {

namespace sv = ::convene::survey::v1;

// A responses CSV cell written by AnswerCell reads back as the same answer (found by
// fuzz/survey_answers_fuzzer: 1234567.5 was written "1.23457e+06" and imported as 1234570).
TEST(AnswerCellTest, NumbersReadBackExactly) {
  Survey survey;
  survey.set_event_id("evt_1");
  survey.set_title("Budgets");
  Question* q = survey.add_questions();
  q->set_key("budget");
  q->set_text("Budget last year, in US dollars?");
  q->mutable_number();
  ASSERT_TRUE(survey::NormalizeSurvey(survey).ok());
  auto layout = survey::ResponseLayout::FromHeader(survey, {"budget"});
  ASSERT_TRUE(layout.ok());

  for (double value : {1234567.5, 2500000.0, 0.1, -3.25, 1e21, 123456789012.0, 5e-7}) {
    Answer answer;
    answer.set_question_key("budget");
    answer.set_number(value);
    const std::string cell = AnswerCell(answer);
    sv::ImportRow row;
    row.set_line(2);
    row.add_cells(cell);
    std::vector<Answer> read;
    sv::RespondentAttributes attributes;
    EXPECT_THAT(layout->ParseRow(row, read, attributes), ::testing::IsEmpty()) << cell;
    ASSERT_EQ(read.size(), 1u) << cell;
    EXPECT_EQ(read[0].number(), value) << "written as " << cell;
  }
  Answer whole;
  whole.set_number(2500000);
  EXPECT_EQ(AnswerCell(whole), "2500000");
}

}  // namespace
}  // namespace convene::cli
