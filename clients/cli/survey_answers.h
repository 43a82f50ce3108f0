// Questions and answers as people read and write them at the command line:
// what a question asks for ("likert 1-5", its options), answers read from an
// answers file (a JSON object mapping question keys to values, as in the
// responses CSV), and answers typed at a terminal, question by question.
//
// Only the form of each value is checked here (a whole number for a Likert
// question, a list of option keys for a multiple choice, ...), so that a
// mistyped file is refused before anything is sent; ranges, options and
// required questions are the service's to check (the terminal also checks
// them with the service's own rules, services/survey/survey_rules.h, to ask
// again at once).
#ifndef CONVENE_CLIENTS_CLI_SURVEY_ANSWERS_H_
#define CONVENE_CLIENTS_CLI_SURVEY_ANSWERS_H_

#include <istream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "convene/survey/v1/survey.pb.h"

namespace convene::cli {

using ::convene::survey::v1::Answer;
using ::convene::survey::v1::Question;
using ::convene::survey::v1::Survey;

// What the question asks for, e.g. "likert 1-5", "rating 0-10", "multiple
// choice, up to 3", "number 0-80, whole", "free text, up to 2000 characters",
// "quiz, 1 point".
std::string QuestionKindText(const Question& question);

// The choices a question offers as (key, label): a Likert question's labelled
// points ("1", "Very dissatisfied"), the options of a single choice, multiple
// choice or quiz; empty for the other kinds.
std::vector<std::pair<std::string, std::string>> QuestionChoices(const Question& question);

// An answer's value as the responses CSV writes it, so that the survey
// service's import reads it back unchanged: the number (its shortest exact
// form), the option key, option keys joined by ';', the text; "" when
// unanswered.
std::string AnswerCell(const Answer& answer);

// The answers in `json`, an object mapping question keys to values: a whole
// number for Likert and rating questions, a number for number questions, an
// option key (a string) for single choice and quiz, a list of option keys for
// multiple choice, a string for free text; null is no answer. In the order of
// the survey's questions. INVALID_ARGUMENT, one sentence naming the key at
// fault, for a key the survey does not have or a value of the wrong JSON
// type; `source` (the file's name) names malformed JSON.
absl::StatusOr<std::vector<Answer>> AnswersFromJson(const Survey& survey, absl::string_view json,
                                                    absl::string_view source);

// Asks each question on `out` and reads the answers from `in`, one line each:
// the question's text, its choices and what to type. A choice may be typed as
// its key or its number. An empty line skips an optional question; a bad
// value (out of range, not an option, too long, ...) is explained and asked
// again. CANCELLED when `in` ends before the last question.
absl::StatusOr<std::vector<Answer>> AskAnswers(const Survey& survey, std::istream& in,
                                               std::ostream& out);

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_SURVEY_ANSWERS_H_
