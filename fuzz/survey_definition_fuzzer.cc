// ParseSurveyDefinition and NormalizeSurvey (services/survey/survey_rules.h) on any text: survey
// definition files come from users (`convene survey create --definition FILE`). A definition that
// is accepted must be a fixed point of normalisation, must read back the same from the protobuf
// JSON the CLI prints (`convene survey show --output json`), and its quiz must score.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/survey/survey_rules.h"

namespace {

namespace sv = ::convene::survey::v1;
using ::google::protobuf::util::DefaultFieldComparator;
using ::google::protobuf::util::MessageDifferencer;

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b,
          std::string* report) {
  DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);  // a NaN bound nobody reads (has_min false)
  MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  differencer.ReportDifferencesToString(report);
  return differencer.Compare(a, b);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<sv::Survey> parsed = convene::survey::ParseSurveyDefinition(json);
  if (!parsed.ok()) {
    CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(parsed.status()), parsed.status().ToString());
    return 0;
  }
  sv::Survey survey = *parsed;
  survey.set_event_id("evt_demo");
  if (!convene::survey::NormalizeSurvey(survey).ok()) return 0;  // e.g. an event_id that is ""

  // A fixed point: normalising again changes nothing.
  sv::Survey again = survey;
  const absl::Status status = convene::survey::NormalizeSurvey(again);
  CONVENE_FUZZ_CHECK(status.ok(), absl::StrCat("normalised survey refused: ", status.ToString()));
  std::string report;
  CONVENE_FUZZ_CHECK(Same(survey, again, &report), "normalising twice differs: " + report);

  // The JSON the CLI prints reads back as the same survey.
  std::string printed;
  CONVENE_FUZZ_CHECK(google::protobuf::util::MessageToJsonString(survey, &printed).ok(),
                     "a normalised survey cannot be printed as JSON");
  absl::StatusOr<sv::Survey> reread = convene::survey::ParseSurveyDefinition(printed);
  CONVENE_FUZZ_CHECK(reread.ok(), absl::StrCat("printed survey refused: ",
                                               reread.status().ToString(), "\n", printed));
  report.clear();
  CONVENE_FUZZ_CHECK(Same(survey, *reread, &report), "printed survey reads back as: " + report);

  // The quiz: all answers right scores the maximum, none scores 0, and neither overflows.
  std::vector<sv::Answer> right;
  for (const sv::Question& q : survey.questions()) {
    if (!q.has_quiz()) continue;
    sv::Answer& a = right.emplace_back();
    a.set_question_key(q.key());
    a.set_choice(q.quiz().correct());
  }
  const auto [score, max_score] = convene::survey::QuizScore(survey, right);
  CONVENE_FUZZ_CHECK(score == max_score && max_score >= 0,
                     absl::StrCat("all right scores ", score, " of ", max_score));
  const auto [none, max_again] = convene::survey::QuizScore(survey, {});
  CONVENE_FUZZ_CHECK(none == 0 && max_again == max_score, "no answers scores above 0");
  return 0;
}
