// Answers to a fixed survey (the demo's evaluation, plus a number question without bounds), from
// any bytes read three ways, as the CLI and the survey service read them:
//  - as a SubmitResponseRequest, the message `convene survey respond` sends;
//  - as the JSON answers file the CLI reads (AnswersFromJson, clients/cli/survey_answers.h);
//  - as lines typed at a terminal (AskAnswers).
// Each set of answers then goes through ValidateAnswers, the service's check. Answers it accepts
// must be a fixed point (validating again changes nothing), score within 0..max, and survive the
// responses CSV: written cell by cell as the CLI writes them (AnswerCell) and read back by
// ResponseLayout::ParseRow, as `convene survey import` would read the file.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/cli/survey_answers.h"
#include "fuzz/fuzz_support.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/survey/survey_rules.h"

namespace {

namespace sv = ::convene::survey::v1;
using ::google::protobuf::util::MessageDifferencer;

const sv::Survey& FixedSurvey() {
  static const sv::Survey* survey = [] {
    auto* s = new sv::Survey(convene::fuzz::DemoEvaluation());
    sv::Question* budget = s->add_questions();
    budget->set_key("budget");
    budget->set_text("What was your unit's budget for this work last year, in US dollars?");
    budget->mutable_number();  // any finite number, fractions allowed
    return s;
  }();
  return *survey;
}

std::string Show(const std::vector<sv::Answer>& answers) {
  std::string out;
  for (const sv::Answer& a : answers) absl::StrAppend(&out, a.ShortDebugString(), "\n");
  return out;
}

void CheckAccepted(const sv::Survey& survey, const std::vector<sv::Answer>& answers) {
  // A fixed point.
  std::vector<sv::Answer> again = answers;
  absl::Status status = convene::survey::ValidateAnswers(survey, again);
  CONVENE_FUZZ_CHECK(status.ok(), "validated answers refused: " + status.ToString());
  CONVENE_FUZZ_CHECK(again.size() == answers.size(), "validating twice dropped answers");
  for (size_t i = 0; i < answers.size(); ++i) {
    CONVENE_FUZZ_CHECK(MessageDifferencer::Equals(again[i], answers[i]),
                       "validating twice changed an answer:\n" + Show(answers));
  }

  const auto [score, max_score] = convene::survey::QuizScore(survey, answers);
  CONVENE_FUZZ_CHECK(0 <= score && score <= max_score, absl::StrCat(score, " of ", max_score));

  // Through the responses CSV: one column per question, in the survey's order.
  std::vector<std::string> header;
  std::vector<std::string> cells;
  std::vector<sv::Answer> by_question;
  for (const sv::Question& q : survey.questions()) {
    header.push_back(q.key());
    std::string cell;
    for (const sv::Answer& a : answers) {
      if (a.question_key() == q.key()) {
        cell = convene::cli::AnswerCell(a);
        by_question.push_back(a);
      }
    }
    cells.push_back(cell);
  }
  auto layout = convene::survey::ResponseLayout::FromHeader(survey, header);
  CONVENE_FUZZ_CHECK(layout.ok(), layout.status().ToString());
  std::vector<sv::Answer> read;
  sv::RespondentAttributes attributes;
  std::vector<sv::RowError> errors =
      layout->ParseRow(convene::fuzz::MakeRow<sv::ImportRow>(2, cells), read, attributes);
  CONVENE_FUZZ_CHECK(errors.empty(), absl::StrCat("the CSV row of accepted answers is refused: ",
                                                  errors[0].ShortDebugString(), "\n",
                                                  Show(by_question)));
  CONVENE_FUZZ_CHECK(read.size() == by_question.size(),
                     "the CSV row reads back other answers:\n" + Show(by_question) + "read\n" +
                         Show(read));
  for (size_t i = 0; i < read.size(); ++i) {
    CONVENE_FUZZ_CHECK(MessageDifferencer::Equals(read[i], by_question[i]),
                       absl::StrCat("the CSV cell \"", convene::cli::AnswerCell(by_question[i]),
                                    "\" of ", by_question[i].ShortDebugString(), " reads back as ",
                                    read[i].ShortDebugString()));
  }
}

void Check(const sv::Survey& survey, std::vector<sv::Answer> answers) {
  const absl::Status status = convene::survey::ValidateAnswers(survey, answers);
  if (!status.ok()) {
    CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(status), status.ToString());
    return;
  }
  CheckAccepted(survey, answers);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  FixedSurvey();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const sv::Survey& survey = FixedSurvey();
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);

  sv::SubmitResponseRequest request;
  if (request.ParseFromArray(data, static_cast<int>(size))) {
    Check(survey, std::vector<sv::Answer>(request.answers().begin(), request.answers().end()));
  }

  absl::StatusOr<std::vector<sv::Answer>> from_json =
      convene::cli::AnswersFromJson(survey, bytes, "answers.json");
  if (from_json.ok()) {
    Check(survey, *from_json);
  } else {
    CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(from_json.status()), from_json.status().ToString());
  }

  // At a terminal every answer is checked as it is typed, so what comes out must be accepted.
  std::istringstream in{std::string(bytes)};
  std::ostringstream out;
  absl::StatusOr<std::vector<sv::Answer>> typed = convene::cli::AskAnswers(survey, in, out);
  if (typed.ok()) {
    std::vector<sv::Answer> answers = *typed;
    const absl::Status status = convene::survey::ValidateAnswers(survey, answers);
    CONVENE_FUZZ_CHECK(status.ok(), "answers typed at the terminal refused: " + status.ToString() +
                                        "\n" + Show(*typed));
    CheckAccepted(survey, answers);
  } else {
    CONVENE_FUZZ_CHECK(absl::IsCancelled(typed.status()), typed.status().ToString());
  }
  return 0;
}
