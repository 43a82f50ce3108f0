// The survey rules, free of gRPC and SQL: what makes a survey definition valid (and its defaults),
// what makes a set of answers valid against a survey, quiz scoring, reading responses from CSV rows
// and coding free text with a keyword codebook.
//
// Every function is pure and thread-safe (a ResponseLayout is immutable once built). Validation
// errors are INVALID_ARGUMENT whose message starts with the question key or the field at fault,
// e.g. "overall: 6 is outside 1..5" or "questions[2].key: required".
#ifndef CONVENE_SERVICES_SURVEY_SURVEY_RULES_H_
#define CONVENE_SERVICES_SURVEY_SURVEY_RULES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "convene/registration/v1/registration.pb.h"
#include "convene/survey/v1/survey.pb.h"
#include "convene/survey/v1/survey_service.pb.h"

namespace convene::survey {

// Checks a survey's definition and fills defaults, in place:
//  - title (trimmed) and event_id are required; kind defaults to EVALUATION;
//  - sections have non-empty, unique keys; a question's section must be one of them;
//  - at least one question; keys [a-z0-9_]+ and unique; text required; exactly one kind set;
//  - likert: points 5 or 7, labels empty or one per point;
//  - rating: min < max, where 0..0 means the default 0..10;
//  - single/multiple choice and quiz: at least 2 options, keys [a-z0-9_]+ unique, labels required;
//  - multiple choice: 0 <= min_selections <= max_selections (max 0 = no bound) and min_selections
//    <= options; a max_selections above the option count is accepted (it bounds nothing), because
//    the issue's own example definition has maxSelections 3 with two options;
//  - number: finite bounds, min <= max when both are set;
//  - free text: max_length 0 becomes 2000; at most 100000;
//  - quiz: correct is an option key; points 0 becomes 1, negative is rejected;
//  - the limits (limits.h): at most kMaxQuestions questions, kMaxSections sections and kMaxOptions
//    options per question; keys of at most kMaxKeyLength characters; title, question texts and
//    labels of at most kMaxLineLength.
// On error the survey may be partly normalised.
absl::Status NormalizeSurvey(v1::Survey& survey);

// A definition file (the Survey message in protobuf JSON, unknown fields rejected) parsed and
// normalised as NormalizeSurvey does, except that event_id may be absent: a definition file is
// reusable across events, and the event is given separately (`--event`), so the service checks it
// when the survey is created. The kind may be written without its prefix ("EVALUATION" for
// "SURVEY_KIND_EVALUATION"), as the example does. INVALID_ARGUMENT with protobuf's message
// for malformed JSON.
absl::StatusOr<v1::Survey> ParseSurveyDefinition(absl::string_view json);

// Checks `answers` against a normalised survey and normalises them in place: free text is trimmed,
// and an empty free text or an empty multiple-choice selection counts as no answer (removed);
// `codes` is cleared (it is output only). Rejects an unknown question key, two answers to one
// question, a required question left unanswered, a value of the wrong kind, a Likert value outside
// 1..points, a rating outside min..max, a number out of bounds, not whole when the question wants
// an integer, or not finite, an option that does not exist, a multiple choice with an unknown or
// repeated option or too many or too few selections, a free text longer than max_length
// characters (UTF-8 code points), not valid UTF-8 or holding a NUL. The first problem found is
// returned; on error `answers` may be partly normalised.
absl::Status ValidateAnswers(const v1::Survey& survey, std::vector<v1::Answer>& answers);

// (score, max_score): max_score sums the points of every quiz question, score those whose answer is
// the correct option. Answers to unknown or non-quiz questions are ignored.
std::pair<int, int> QuizScore(const v1::Survey& survey, const std::vector<v1::Answer>& answers);

// The state a survey is in at `now`: its stored state, moved on by its open_time (a draft whose
// open_time has come is open) and close_time (an open survey whose close_time has come is closed).
v1::SurveyState EffectiveState(const v1::Survey& survey, absl::Time now);

// A participant's coarse attributes as responses keep them: the country's alpha-2 code and the
// display forms of sector, gender and role ("civil-society", "female", "speaker"); empty when
// unspecified.
v1::RespondentAttributes AttributesOf(const registration::v1::Participant& participant);

// How the columns of a responses CSV map onto a survey: each column is a question key or one of the
// respondent attributes _country, _sector, _gender, _role. Keeps its own copy of the survey.
class ResponseLayout {
 public:
  // INVALID_ARGUMENT naming the column for an unknown or repeated column (header cells are
  // trimmed).
  static absl::StatusOr<ResponseLayout> FromHeader(const v1::Survey& survey,
                                                   const std::vector<std::string>& header);

  // Reads one row into `answers` and `attributes` (both replaced): a number for Likert, rating and
  // number questions, the option key for single choice and quiz, option keys joined by ';' for
  // multiple choice, free text as is; an empty cell is no answer. The answers are then validated as
  // ValidateAnswers does. Returns every problem found in the row, each with the row's line and the
  // question key or column at fault; empty when the row is good. A row with more cells than the
  // header is an error only if an extra cell holds something; missing trailing cells are empty.
  // Attribute cells are read as registration reads them (a country's code or name, "CSO", "F")
  // and kept in AttributesOf's form; an unknown value is an error naming the column.
  std::vector<v1::RowError> ParseRow(const v1::ImportRow& row, std::vector<v1::Answer>& answers,
                                     v1::RespondentAttributes& attributes) const;

  const std::vector<std::string>& columns() const { return columns_; }

 private:
  ResponseLayout() = default;

  v1::Survey survey_;
  // Column names as in the header (trimmed).
  std::vector<std::string> columns_;
  // Per column: the index of its question in survey_, or -1 for an attribute column.
  std::vector<int> question_index_;
};

// The codes of `codebook` whose keywords occur in `text`, in codebook order, each once. A keyword
// matches whole words only, case-insensitively (ASCII case folding; other UTF-8 is kept and
// compared as is), and a keyword of several words matches that phrase with any run of whitespace
// between the words. So "peer" matches "Peer experience" and "peer-to-peer", but "collaboration"
// does not match "collaborations": list inflected forms as further keywords. Non-ASCII letters are
// word characters ("toolkit" does not match in "toolkité"), while the Latin-1 punctuation, General
// Punctuation and CJK symbol blocks are not (so “peer”, «peer» and peer—learning match). Empty
// keywords never match.
std::vector<std::string> ApplyCodebook(const v1::Codebook& codebook, absl::string_view text);

// INVALID_ARGUMENT naming the field unless the codebook has at least one rule, every code is
// non-empty and unique, and every rule has at least one non-empty keyword; and within the limits
// (limits.h): kMaxCodebookRules rules of kMaxKeywords keywords, codes of kMaxKeyLength and keywords
// of kMaxLineLength characters.
absl::Status ValidateCodebook(const v1::Codebook& codebook);

// The codes an evaluator sets on one answer: trimmed in place; INVALID_ARGUMENT naming `field` for
// an empty or repeated code, more than kMaxCodesPerAnswer codes or a code longer than
// kMaxKeyLength characters.
absl::Status NormalizeCodes(absl::string_view field,
                            google::protobuf::RepeatedPtrField<std::string>& codes);

}  // namespace convene::survey

#endif  // CONVENE_SERVICES_SURVEY_SURVEY_RULES_H_
