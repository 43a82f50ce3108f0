#include "clients/cli/survey_answers.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/survey/survey_rules.h"

namespace convene::cli {
namespace {

using ::convene::survey::v1::Option;
using ::google::protobuf::Value;

absl::Status Invalid(absl::string_view key, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(key, ": ", problem));
}

// The rating's bounds, 0..0 meaning the default 0..10 (as survey_rules.h).
std::pair<int, int> RatingRange(const Question& q) {
  if (q.rating().min() == 0 && q.rating().max() == 0) return {0, 10};
  return {q.rating().min(), q.rating().max()};
}

const google::protobuf::RepeatedPtrField<Option>* Options(const Question& q) {
  switch (q.kind_case()) {
    case Question::kSingleChoice:
      return &q.single_choice().options();
    case Question::kMultipleChoice:
      return &q.multiple_choice().options();
    case Question::kQuiz:
      return &q.quiz().options();
    default:
      return nullptr;
  }
}

std::string OptionKeys(const Question& q) {
  std::vector<std::string> keys;
  if (const auto* options = Options(q)) {
    for (const Option& option : *options) keys.push_back(option.key());
  }
  return absl::StrJoin(keys, ", ");
}

// "0-80", "at least 0", "at most 80" or "" for a number question's bounds.
std::string NumberBounds(const survey::v1::NumberQuestion& n) {
  if (n.has_min() && n.has_max()) return absl::StrCat(n.min(), "-", n.max());
  if (n.has_min()) return absl::StrCat("at least ", n.min());
  if (n.has_max()) return absl::StrCat("at most ", n.max());
  return "";
}

// What an answers file must hold for `q`, for the error about a wrong value.
std::string ExpectedJson(const Question& q) {
  switch (q.kind_case()) {
    case Question::kLikert:
      return absl::StrCat("a whole number from 1 to ", q.likert().points());
    case Question::kRating: {
      auto [lo, hi] = RatingRange(q);
      return absl::StrCat("a whole number from ", lo, " to ", hi);
    }
    case Question::kNumber:
      return "a number";
    case Question::kSingleChoice:
    case Question::kQuiz:
      return absl::StrCat("one option key in quotes (", OptionKeys(q), ")");
    case Question::kMultipleChoice:
      return absl::StrCat("a list of option keys such as [\"", q.multiple_choice().options(0).key(),
                          "\"] (", OptionKeys(q), ")");
    case Question::kFreeText:
      return "text in quotes";
    case Question::KIND_NOT_SET:
      break;
  }
  return "no answer (the question has no kind)";
}

// A JSON value as the file writes it, for error messages.
std::string Written(const Value& value) {
  switch (value.kind_case()) {
    case Value::kNumberValue:
      return absl::StrCat(value.number_value());
    case Value::kStringValue:
      return absl::StrCat("\"", value.string_value(), "\"");
    case Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case Value::kListValue:
      return "a list";
    case Value::kStructValue:
      return "an object";
    default:
      return "null";
  }
}

bool WholeNumber(const Value& value, int* out) {
  if (value.kind_case() != Value::kNumberValue) return false;
  const double d = value.number_value();
  if (d != std::floor(d) || d < std::numeric_limits<int32_t>::min() ||
      d > std::numeric_limits<int32_t>::max()) {
    return false;
  }
  *out = static_cast<int>(d);
  return true;
}

// `value` as the answer to `q`; false when its JSON type does not fit.
bool SetFromJson(const Question& q, const Value& value, Answer& answer) {
  switch (q.kind_case()) {
    case Question::kLikert:
    case Question::kRating: {
      int scale;
      if (!WholeNumber(value, &scale)) return false;
      answer.set_scale(scale);
      return true;
    }
    case Question::kNumber:
      if (value.kind_case() != Value::kNumberValue) return false;
      answer.set_number(value.number_value());
      return true;
    case Question::kSingleChoice:
    case Question::kQuiz:
      if (value.kind_case() != Value::kStringValue) return false;
      answer.set_choice(value.string_value());
      return true;
    case Question::kMultipleChoice: {
      if (value.kind_case() != Value::kListValue) return false;
      auto* keys = answer.mutable_selections()->mutable_option_keys();
      for (const Value& item : value.list_value().values()) {
        if (item.kind_case() != Value::kStringValue) return false;
        keys->Add(std::string(item.string_value()));
      }
      return true;
    }
    case Question::kFreeText:
      if (value.kind_case() != Value::kStringValue) return false;
      answer.set_text(value.string_value());
      return true;
    case Question::KIND_NOT_SET:
      break;
  }
  return false;
}

// --- At a terminal ---------------------------------------------------------

// What to type, shown as the prompt.
std::string Prompt(const Question& q) {
  switch (q.kind_case()) {
    case Question::kLikert:
      return absl::StrCat("1-", q.likert().points());
    case Question::kRating: {
      auto [lo, hi] = RatingRange(q);
      return absl::StrCat(lo, "-", hi);
    }
    case Question::kNumber: {
      const std::string bounds = NumberBounds(q.number());
      return bounds.empty() ? "a number" : absl::StrCat("a number, ", bounds);
    }
    case Question::kSingleChoice:
    case Question::kQuiz:
      return "key or number";
    case Question::kMultipleChoice:
      return "keys or numbers, separated by commas";
    case Question::kFreeText:
      return "text, one line";
    case Question::KIND_NOT_SET:
      break;
  }
  return "";
}

// The option `typed` names, by key or by its 1-based number; "" when none.
std::string OptionNamed(const Question& q, absl::string_view typed) {
  const auto* options = Options(q);
  if (options == nullptr) return "";
  for (const Option& option : *options) {
    if (option.key() == typed) return option.key();
  }
  int number;
  if (absl::SimpleAtoi(typed, &number) && number >= 1 && number <= options->size()) {
    return (*options)[number - 1].key();
  }
  return "";
}

// The typed line as the answer to `q`: INVALID_ARGUMENT saying what is wrong
// with it. The value's range and options are checked as the service checks
// them.
absl::Status ReadTyped(const Question& q, absl::string_view line, Answer& answer) {
  answer.Clear();
  answer.set_question_key(q.key());
  const absl::string_view typed = absl::StripAsciiWhitespace(line);
  switch (q.kind_case()) {
    case Question::kLikert:
    case Question::kRating: {
      int scale;
      if (!absl::SimpleAtoi(typed, &scale)) {
        return Invalid(q.key(), absl::StrCat("\"", typed, "\" is not a whole number"));
      }
      answer.set_scale(scale);
      break;
    }
    case Question::kNumber: {
      double number;
      if (!absl::SimpleAtod(typed, &number)) {
        return Invalid(q.key(), absl::StrCat("\"", typed, "\" is not a number"));
      }
      answer.set_number(number);
      break;
    }
    case Question::kSingleChoice:
    case Question::kQuiz: {
      const std::string key = OptionNamed(q, typed);
      if (key.empty()) {
        return Invalid(q.key(), absl::StrCat("\"", typed, "\" is not one of the options"));
      }
      answer.set_choice(key);
      break;
    }
    case Question::kMultipleChoice: {
      for (absl::string_view item : absl::StrSplit(typed, absl::ByAnyChar(",; "))) {
        if (item.empty()) continue;
        const std::string key = OptionNamed(q, item);
        if (key.empty()) {
          return Invalid(q.key(), absl::StrCat("\"", item, "\" is not one of the options"));
        }
        answer.mutable_selections()->add_option_keys(key);
      }
      break;
    }
    case Question::kFreeText:
      answer.set_text(std::string(typed));
      break;
    case Question::KIND_NOT_SET:
      return Invalid(q.key(), "the question has no kind");
  }
  // The service's own rules, on a survey of this one question.
  Survey one;
  *one.add_questions() = q;
  one.mutable_questions(0)->set_required(false);
  std::vector<Answer> answers = {answer};
  return ::convene::survey::ValidateAnswers(one, answers);
}

}  // namespace

std::string QuestionKindText(const Question& q) {
  switch (q.kind_case()) {
    case Question::kLikert:
      return absl::StrCat("likert 1-", q.likert().points());
    case Question::kRating: {
      auto [lo, hi] = RatingRange(q);
      return absl::StrCat("rating ", lo, "-", hi);
    }
    case Question::kSingleChoice:
      return "single choice";
    case Question::kMultipleChoice: {
      const int lo = q.multiple_choice().min_selections();
      const int hi = q.multiple_choice().max_selections();
      if (lo > 0 && hi > 0) return absl::StrCat("multiple choice, ", lo, " to ", hi);
      if (lo > 0) return absl::StrCat("multiple choice, at least ", lo);
      if (hi > 0) return absl::StrCat("multiple choice, up to ", hi);
      return "multiple choice";
    }
    case Question::kNumber: {
      std::string text = "number";
      const std::string bounds = NumberBounds(q.number());
      if (!bounds.empty()) absl::StrAppend(&text, " ", bounds);
      if (q.number().integer()) absl::StrAppend(&text, ", whole");
      return text;
    }
    case Question::kFreeText: {
      const int limit = q.free_text().max_length() > 0 ? q.free_text().max_length() : 2000;
      return absl::StrCat("free text, up to ", limit, " characters");
    }
    case Question::kQuiz: {
      const int points = q.quiz().points() > 0 ? q.quiz().points() : 1;
      return absl::StrCat("quiz, ", points, points == 1 ? " point" : " points");
    }
    case Question::KIND_NOT_SET:
      break;
  }
  return "no kind";
}

std::vector<std::pair<std::string, std::string>> QuestionChoices(const Question& q) {
  std::vector<std::pair<std::string, std::string>> choices;
  if (q.has_likert()) {
    for (int i = 0; i < q.likert().labels_size(); ++i) {
      choices.emplace_back(absl::StrCat(i + 1), q.likert().labels(i));
    }
  } else if (const auto* options = Options(q)) {
    for (const Option& option : *options) choices.emplace_back(option.key(), option.label());
  }
  return choices;
}

std::string AnswerCell(const Answer& answer) {
  switch (answer.value_case()) {
    case Answer::kScale:
      return absl::StrCat(answer.scale());
    case Answer::kNumber: {
      // The shortest text that reads back as the same number ("1234567.5"; StrCat's six
      // significant digits wrote "1.23457e+06", which the import read as 1234570).
      char text[32];
      const std::to_chars_result written =
          std::to_chars(text, text + sizeof text, answer.number());
      return std::string(text, written.ptr);
    }
    case Answer::kChoice:
      return answer.choice();
    case Answer::kSelections:
      return absl::StrJoin(answer.selections().option_keys(), ";");
    case Answer::kText:
      return answer.text();
    case Answer::VALUE_NOT_SET:
      break;
  }
  return "";
}

absl::StatusOr<std::vector<Answer>> AnswersFromJson(const Survey& survey, absl::string_view json,
                                                    absl::string_view source) {
  google::protobuf::Struct object;
  const auto parsed = google::protobuf::util::JsonStringToMessage(std::string(json), &object);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source,
                     " is not a JSON object of question keys and answers, such as "
                     "{\"overall\": 4} (",
                     parsed.message().ToString(), ")"));
  }
  std::set<std::string> unknown;  // sorted, so that the error is the same at every run
  for (const auto& [key, value] : object.fields()) unknown.insert(key);
  std::vector<std::string> keys;
  for (const Question& q : survey.questions()) {
    unknown.erase(q.key());
    keys.push_back(q.key());
  }
  if (!unknown.empty()) {
    return Invalid(*unknown.begin(),
                   absl::StrCat("no such question in ", survey.id(),
                                " (its questions: ", absl::StrJoin(keys, ", "), ")"));
  }
  std::vector<Answer> answers;
  for (const Question& q : survey.questions()) {
    auto it = object.fields().find(q.key());
    if (it == object.fields().end() || it->second.kind_case() == Value::kNullValue) continue;
    Answer answer;
    answer.set_question_key(q.key());
    if (!SetFromJson(q, it->second, answer)) {
      return Invalid(q.key(), absl::StrCat("the answer must be ", ExpectedJson(q), ", not ",
                                           Written(it->second)));
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

absl::StatusOr<std::vector<Answer>> AskAnswers(const Survey& survey, std::istream& in,
                                               std::ostream& out) {
  out << survey.title() << ": " << survey.questions_size()
      << " questions; press Enter to skip an optional one.\n";
  std::vector<Answer> answers;
  std::string section;
  for (int i = 0; i < survey.questions_size(); ++i) {
    const Question& q = survey.questions(i);
    if (q.section() != section) {
      section = q.section();
      for (const auto& s : survey.sections()) {
        if (s.key() == section) out << "\n== " << s.title() << "\n";
      }
    }
    out << "\n"
        << i + 1 << ". " << q.text() << "  (" << QuestionKindText(q)
        << (q.required() ? ", required" : "") << ")\n";
    const auto choices = QuestionChoices(q);
    size_t width = 0;
    for (const auto& [key, label] : choices) width = std::max(width, key.size());
    for (size_t c = 0; c < choices.size(); ++c) {
      const auto& [key, label] = choices[c];
      out << "   ";
      if (!q.has_likert()) out << (c + 1 < 10 ? " " : "") << c + 1 << "  ";
      out << key << std::string(width - key.size() + 2, ' ') << label << "\n";
    }
    while (true) {
      out << "   " << q.key() << " [" << Prompt(q) << "]: ";
      out.flush();
      std::string line;
      if (!std::getline(in, line)) {
        out << "\n";
        return absl::CancelledError(
            absl::StrCat("nothing sent: the input ended at question ", q.key()));
      }
      if (absl::StripAsciiWhitespace(line).empty()) {
        if (!q.required()) break;
        out << "   an answer is required\n";
        continue;
      }
      Answer answer;
      const absl::Status status = ReadTyped(q, line, answer);
      if (status.ok()) {
        answers.push_back(std::move(answer));
        break;
      }
      // The rules' message starts with the key, which the prompt already shows.
      absl::string_view why = status.message();
      absl::ConsumePrefix(&why, absl::StrCat(q.key(), ": "));
      out << "   " << why << "; try again\n";
    }
  }
  return answers;
}

}  // namespace convene::cli
