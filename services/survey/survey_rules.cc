#include "services/survey/survey_rules.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/dates.h"
#include "services/common/enum_names.h"
#include "services/common/limits.h"
#include "services/common/status.h"
#include "services/registration/countries.h"
#include "services/registration/rules.h"

namespace convene::survey {
namespace {

constexpr absl::string_view kKindPrefix = "SURVEY_KIND_";

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsKey(absl::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

absl::Status CheckKey(absl::string_view field, absl::string_view key) {
  if (key.empty()) return Invalid(field, "required");
  CONVENE_RETURN_IF_ERROR(CheckLength(field, key, kMaxKeyLength));
  if (!IsKey(key)) return Invalid(field, absl::StrCat("\"", key, "\" must match [a-z0-9_]+"));
  return absl::OkStatus();
}

absl::Status CheckOptions(absl::string_view key,
                          const google::protobuf::RepeatedPtrField<v1::Option>& options) {
  CONVENE_RETURN_IF_ERROR(CheckCount(key, options.size(), kMaxOptions, "options"));
  if (options.size() < 2) {
    return Invalid(key, absl::StrCat("needs at least 2 options, has ", options.size()));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < options.size(); ++i) {
    const v1::Option& option = options[i];
    std::string field = absl::StrCat(key, ".options[", i, "]");
    CONVENE_RETURN_IF_ERROR(CheckKey(absl::StrCat(field, ".key"), option.key()));
    if (!seen.insert(option.key()).second) {
      return Invalid(key, absl::StrCat("option \"", option.key(), "\" appears twice"));
    }
    if (absl::StripAsciiWhitespace(option.label()).empty()) {
      return Invalid(absl::StrCat(field, ".label"), "required");
    }
    CONVENE_RETURN_IF_ERROR(
        CheckLength(absl::StrCat(field, ".label"), option.label(), kMaxLineLength));
  }
  return absl::OkStatus();
}

bool HasOption(const google::protobuf::RepeatedPtrField<v1::Option>& options,
               absl::string_view key) {
  for (const v1::Option& option : options) {
    if (option.key() == key) return true;
  }
  return false;
}

absl::Status NormalizeQuestion(v1::Question& q) {
  const std::string& key = q.key();
  if (absl::StripAsciiWhitespace(q.text()).empty())
    return Invalid(absl::StrCat(key, ".text"), "required");
  CONVENE_RETURN_IF_ERROR(CheckLength(absl::StrCat(key, ".text"), q.text(), kMaxLineLength));
  switch (q.kind_case()) {
    case v1::Question::KIND_NOT_SET:
      return Invalid(key, "no question kind set (likert, rating, single_choice, ...)");
    case v1::Question::kLikert: {
      const v1::LikertQuestion& likert = q.likert();
      if (likert.points() != 5 && likert.points() != 7) {
        return Invalid(key, absl::StrCat("likert points must be 5 or 7, not ", likert.points()));
      }
      if (likert.labels_size() != 0 && likert.labels_size() != likert.points()) {
        return Invalid(key, absl::StrCat("likert has ", likert.labels_size(), " labels for ",
                                         likert.points(), " points"));
      }
      for (const std::string& label : likert.labels()) {
        CONVENE_RETURN_IF_ERROR(CheckLength(absl::StrCat(key, ".labels"), label, kMaxLineLength));
      }
      return absl::OkStatus();
    }
    case v1::Question::kRating: {
      v1::RatingQuestion& rating = *q.mutable_rating();
      if (rating.min() == 0 && rating.max() == 0) rating.set_max(10);
      if (rating.min() >= rating.max()) {
        return Invalid(
            key, absl::StrCat("rating min ", rating.min(), " must be below max ", rating.max()));
      }
      return absl::OkStatus();
    }
    case v1::Question::kSingleChoice:
      return CheckOptions(key, q.single_choice().options());
    case v1::Question::kMultipleChoice: {
      const v1::MultipleChoiceQuestion& choice = q.multiple_choice();
      CONVENE_RETURN_IF_ERROR(CheckOptions(key, choice.options()));
      // A max_selections above the option count bounds nothing but is accepted: the issue's own
      // example has maxSelections 3 with two options listed.
      int n = choice.options_size();
      int upper = choice.max_selections() == 0 ? n : std::min(n, choice.max_selections());
      if (choice.min_selections() < 0 || choice.max_selections() < 0 ||
          choice.min_selections() > upper) {
        return Invalid(key, absl::StrCat("selections must satisfy 0 <= min_selections (",
                                         choice.min_selections(), ") <= max_selections (",
                                         choice.max_selections(), ") <= options (", n,
                                         "), min_selections <= options; max 0 means no bound"));
      }
      return absl::OkStatus();
    }
    case v1::Question::kNumber: {
      const v1::NumberQuestion& number = q.number();
      if ((number.has_min() && !std::isfinite(number.min())) ||
          (number.has_max() && !std::isfinite(number.max()))) {
        return Invalid(key, "number bounds must be finite");
      }
      if (number.has_min() && number.has_max() && number.min() > number.max()) {
        return Invalid(key,
                       absl::StrCat("number min ", number.min(), " is above max ", number.max()));
      }
      return absl::OkStatus();
    }
    case v1::Question::kFreeText: {
      v1::FreeTextQuestion& text = *q.mutable_free_text();
      if (text.max_length() == 0) text.set_max_length(kDefaultFreeTextLength);
      if (text.max_length() < 0 || text.max_length() > kMaxFreeTextLength) {
        return Invalid(key, absl::StrCat("free text max_length must be 1..", kMaxFreeTextLength,
                                         ", not ", text.max_length()));
      }
      return absl::OkStatus();
    }
    case v1::Question::kQuiz: {
      v1::QuizQuestion& quiz = *q.mutable_quiz();
      CONVENE_RETURN_IF_ERROR(CheckOptions(key, quiz.options()));
      if (!HasOption(quiz.options(), quiz.correct())) {
        return Invalid(key, absl::StrCat("quiz correct \"", quiz.correct(),
                                         "\" is not one of its option keys"));
      }
      if (quiz.points() < 0) {
        return Invalid(key, absl::StrCat("quiz points must not be negative, not ", quiz.points()));
      }
      if (quiz.points() == 0) quiz.set_points(1);
      return absl::OkStatus();
    }
  }
  return Invalid(key, "unknown question kind");
}

// Everything NormalizeSurvey checks except the event.
absl::Status NormalizeDefinition(v1::Survey& survey) {
  survey.set_title(std::string(absl::StripAsciiWhitespace(survey.title())));
  if (survey.title().empty()) return Invalid("title", "required");
  CONVENE_RETURN_IF_ERROR(CheckLength("title", survey.title(), kMaxLineLength));
  CONVENE_RETURN_IF_ERROR(CheckCount("sections", survey.sections_size(), kMaxSections, "sections"));
  CONVENE_RETURN_IF_ERROR(
      CheckCount("questions", survey.questions_size(), kMaxQuestions, "questions"));
  if (survey.kind() == v1::SURVEY_KIND_UNSPECIFIED) survey.set_kind(v1::SURVEY_KIND_EVALUATION);

  absl::flat_hash_set<std::string> sections;
  for (int i = 0; i < survey.sections_size(); ++i) {
    const std::string& key = survey.sections(i).key();
    if (key.empty()) return Invalid(absl::StrCat("sections[", i, "].key"), "required");
    CONVENE_RETURN_IF_ERROR(CheckLength(absl::StrCat("sections[", i, "].key"), key, kMaxKeyLength));
    CONVENE_RETURN_IF_ERROR(CheckLength(absl::StrCat("sections[", i, "].title"),
                                        survey.sections(i).title(), kMaxLineLength));
    if (!sections.insert(key).second) {
      return Invalid(absl::StrCat("sections[", i, "].key"),
                     absl::StrCat("section \"", key, "\" appears twice"));
    }
  }

  if (survey.questions().empty()) return Invalid("questions", "at least one question is required");
  absl::flat_hash_set<std::string> keys;
  for (int i = 0; i < survey.questions_size(); ++i) {
    v1::Question& q = *survey.mutable_questions(i);
    CONVENE_RETURN_IF_ERROR(CheckKey(absl::StrCat("questions[", i, "].key"), q.key()));
    if (!keys.insert(q.key()).second) return Invalid(q.key(), "question key appears twice");
    if (!q.section().empty() && !sections.contains(q.section())) {
      return Invalid(q.key(), absl::StrCat("section \"", q.section(), "\" does not exist"));
    }
    CONVENE_RETURN_IF_ERROR(NormalizeQuestion(q));
  }
  return absl::OkStatus();
}

// Number of UTF-8 code points, or -1 when `text` is not valid UTF-8.
int Utf8Length(absl::string_view text) {
  int count = 0;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int extra;
    uint32_t cp;
    if (c < 0x80) {
      extra = 0;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return -1;
    }
    if (i + extra >= text.size()) return -1;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF.
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += extra + 1;
    ++count;
  }
  return count;
}

const char* KindName(v1::Question::KindCase kind) {
  switch (kind) {
    case v1::Question::kLikert:
      return "a likert question takes a scale value";
    case v1::Question::kRating:
      return "a rating question takes a scale value";
    case v1::Question::kSingleChoice:
      return "a single-choice question takes a choice";
    case v1::Question::kMultipleChoice:
      return "a multiple-choice question takes selections";
    case v1::Question::kNumber:
      return "a number question takes a number";
    case v1::Question::kFreeText:
      return "a free-text question takes text";
    case v1::Question::kQuiz:
      return "a quiz question takes a choice";
    case v1::Question::KIND_NOT_SET:
      break;
  }
  return "the question has no kind";
}

v1::Answer::ValueCase ExpectedValue(v1::Question::KindCase kind) {
  switch (kind) {
    case v1::Question::kLikert:
    case v1::Question::kRating:
      return v1::Answer::kScale;
    case v1::Question::kSingleChoice:
    case v1::Question::kQuiz:
      return v1::Answer::kChoice;
    case v1::Question::kMultipleChoice:
      return v1::Answer::kSelections;
    case v1::Question::kNumber:
      return v1::Answer::kNumber;
    case v1::Question::kFreeText:
      return v1::Answer::kText;
    case v1::Question::KIND_NOT_SET:
      break;
  }
  return v1::Answer::VALUE_NOT_SET;
}

// Checks and normalises one answer to `q`. Sets `empty` when it counts as no answer.
absl::Status CheckAnswer(const v1::Question& q, v1::Answer& answer, bool& empty) {
  const std::string& key = q.key();
  empty = false;
  answer.clear_codes();
  if (answer.value_case() == v1::Answer::VALUE_NOT_SET) return Invalid(key, "no value given");
  if (answer.value_case() != ExpectedValue(q.kind_case())) {
    return Invalid(key, KindName(q.kind_case()));
  }
  switch (q.kind_case()) {
    case v1::Question::kLikert: {
      int points = q.likert().points();
      if (answer.scale() < 1 || answer.scale() > points) {
        return Invalid(key, absl::StrCat(answer.scale(), " is outside 1..", points));
      }
      return absl::OkStatus();
    }
    case v1::Question::kRating: {
      const v1::RatingQuestion& rating = q.rating();
      int lo = rating.min(), hi = rating.max();
      if (lo == 0 && hi == 0) hi = 10;
      if (answer.scale() < lo || answer.scale() > hi) {
        return Invalid(key, absl::StrCat(answer.scale(), " is outside ", lo, "..", hi));
      }
      return absl::OkStatus();
    }
    case v1::Question::kNumber: {
      const v1::NumberQuestion& number = q.number();
      double value = answer.number();
      if (!std::isfinite(value)) return Invalid(key, "the number must be finite");
      if (number.integer() && value != std::floor(value)) {
        return Invalid(key, absl::StrCat(value, " is not a whole number"));
      }
      if (number.has_min() && value < number.min()) {
        return Invalid(key, absl::StrCat(value, " is below the minimum ", number.min()));
      }
      if (number.has_max() && value > number.max()) {
        return Invalid(key, absl::StrCat(value, " is above the maximum ", number.max()));
      }
      return absl::OkStatus();
    }
    case v1::Question::kSingleChoice:
    case v1::Question::kQuiz: {
      const auto& options =
          q.kind_case() == v1::Question::kQuiz ? q.quiz().options() : q.single_choice().options();
      if (!HasOption(options, answer.choice())) {
        return Invalid(key, absl::StrCat("\"", answer.choice(), "\" is not an option"));
      }
      return absl::OkStatus();
    }
    case v1::Question::kMultipleChoice: {
      const v1::MultipleChoiceQuestion& choice = q.multiple_choice();
      const auto& selected = answer.selections().option_keys();
      if (selected.empty()) {
        empty = true;
        return absl::OkStatus();
      }
      absl::flat_hash_set<std::string> seen;
      for (const std::string& option : selected) {
        if (!HasOption(choice.options(), option)) {
          return Invalid(key, absl::StrCat("\"", option, "\" is not an option"));
        }
        if (!seen.insert(option).second) {
          return Invalid(key, absl::StrCat("\"", option, "\" is selected twice"));
        }
      }
      int n = selected.size();
      if (choice.max_selections() > 0 && n > choice.max_selections()) {
        return Invalid(key, absl::StrCat(n, " selections, at most ", choice.max_selections()));
      }
      if (n < choice.min_selections()) {
        return Invalid(key, absl::StrCat(n, " selection", n == 1 ? "" : "s", ", at least ",
                                         choice.min_selections()));
      }
      return absl::OkStatus();
    }
    case v1::Question::kFreeText: {
      answer.set_text(std::string(absl::StripAsciiWhitespace(answer.text())));
      if (answer.text().empty()) {
        empty = true;
        return absl::OkStatus();
      }
      if (answer.text().find('\0') != std::string::npos) {
        return Invalid(key, "the text contains a NUL character");
      }
      int length = Utf8Length(answer.text());
      if (length < 0) return Invalid(key, "the text is not valid UTF-8");
      int limit =
          q.free_text().max_length() > 0 ? q.free_text().max_length() : kDefaultFreeTextLength;
      if (length > limit) {
        return Invalid(key, absl::StrCat(length, " characters, at most ", limit));
      }
      return absl::OkStatus();
    }
    case v1::Question::KIND_NOT_SET:
      break;
  }
  return Invalid(key, "the question has no kind");
}

const v1::Question* FindQuestion(const v1::Survey& survey, absl::string_view key) {
  for (const v1::Question& q : survey.questions()) {
    if (q.key() == key) return &q;
  }
  return nullptr;
}

// "EVALUATION" -> "SURVEY_KIND_EVALUATION" in the top-level "kind" of a definition.
std::string ExpandKind(absl::string_view kind) {
  std::string upper = absl::AsciiStrToUpper(kind);
  if (absl::StartsWith(upper, kKindPrefix)) return std::string(kind);
  return absl::StrCat(kKindPrefix, upper);
}

enum class Attribute { kCountry, kSector, kGender, kRole };

constexpr std::pair<absl::string_view, Attribute> kAttributeColumns[] = {
    {"_country", Attribute::kCountry},
    {"_sector", Attribute::kSector},
    {"_gender", Attribute::kGender},
    {"_role", Attribute::kRole},
};

bool FindAttribute(absl::string_view column, Attribute& attribute) {
  for (const auto& [name, value] : kAttributeColumns) {
    if (name == column) {
      attribute = value;
      return true;
    }
  }
  return false;
}

// Reads a cell into an answer to `q` (the cell is not empty). Range checks are CheckAnswer's.
absl::Status ReadCell(const v1::Question& q, absl::string_view cell, v1::Answer& answer) {
  const std::string& key = q.key();
  answer.set_question_key(key);
  switch (q.kind_case()) {
    case v1::Question::kLikert:
    case v1::Question::kRating: {
      int value;
      if (!absl::SimpleAtoi(cell, &value)) {
        return Invalid(key, absl::StrCat("\"", cell, "\" is not a whole number"));
      }
      answer.set_scale(value);
      return absl::OkStatus();
    }
    case v1::Question::kNumber: {
      double value;
      if (!absl::SimpleAtod(cell, &value)) {
        return Invalid(key, absl::StrCat("\"", cell, "\" is not a number"));
      }
      answer.set_number(value);
      return absl::OkStatus();
    }
    case v1::Question::kSingleChoice:
    case v1::Question::kQuiz:
      answer.set_choice(std::string(cell));
      return absl::OkStatus();
    case v1::Question::kMultipleChoice: {
      v1::Selections& selections = *answer.mutable_selections();
      for (absl::string_view part : absl::StrSplit(cell, ';')) {
        part = absl::StripAsciiWhitespace(part);
        if (!part.empty()) selections.add_option_keys(std::string(part));
      }
      return absl::OkStatus();
    }
    case v1::Question::kFreeText:
      answer.set_text(std::string(cell));
      return absl::OkStatus();
    case v1::Question::KIND_NOT_SET:
      break;
  }
  return Invalid(key, "the question has no kind");
}

// Lower-cases ASCII letters and turns every run of ASCII whitespace into one space.
std::string Fold(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The code point starting at text[pos] (U+FFFD for a broken sequence).
uint32_t DecodeAt(absl::string_view text, size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) return c;
  int extra = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
  if (extra < 0 || pos + extra >= text.size()) return 0xFFFD;
  uint32_t cp = c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (text[pos + k] & 0x3F);
  return cp;
}

// Letters, digits and '_' are word characters; of the rest of Unicode, the common punctuation and
// space blocks (Latin-1 punctuation, General Punctuation, CJK symbols) are not, everything else is
// (a simple stand-in for Unicode word boundaries, good enough for keywords).
bool IsWordChar(uint32_t cp) {
  if (cp < 0x80) return absl::ascii_isalnum(static_cast<unsigned char>(cp)) || cp == '_';
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  return true;
}

bool WordBefore(absl::string_view text, size_t pos) {
  if (pos == 0) return false;
  size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return IsWordChar(DecodeAt(text, start));
}

bool WordAt(absl::string_view text, size_t pos) {
  return pos < text.size() && IsWordChar(DecodeAt(text, pos));
}

// Whether `keyword` (folded) occurs in `text` (folded) as whole words.
bool ContainsWords(absl::string_view text, absl::string_view keyword) {
  if (keyword.empty()) return false;
  bool word_start = WordAt(keyword, 0);
  bool word_end = WordBefore(keyword, keyword.size());
  for (size_t pos = text.find(keyword); pos != absl::string_view::npos;
       pos = text.find(keyword, pos + 1)) {
    size_t end = pos + keyword.size();
    if ((!word_start || !WordBefore(text, pos)) && (!word_end || !WordAt(text, end))) return true;
  }
  return false;
}

}  // namespace

absl::Status NormalizeSurvey(v1::Survey& survey) {
  if (survey.event_id().empty()) return Invalid("event_id", "required");
  CONVENE_RETURN_IF_ERROR(CheckLength("event_id", survey.event_id(), kMaxKeyLength));
  CONVENE_RETURN_IF_ERROR(CheckLength("session_id", survey.session_id(), kMaxKeyLength));
  CONVENE_RETURN_IF_ERROR(
      CheckLength("linked_survey_id", survey.linked_survey_id(), kMaxKeyLength));
  return NormalizeDefinition(survey);
}

absl::StatusOr<v1::Survey> ParseSurveyDefinition(absl::string_view json) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  // Read as a generic JSON object first, to accept the short kind names.
  google::protobuf::Struct object;
  auto parsed = google::protobuf::util::JsonStringToMessage(std::string(json), &object, options);
  if (!parsed.ok()) return Invalid("definition", parsed.message().ToString());
  auto kind = object.mutable_fields()->find("kind");
  if (kind != object.mutable_fields()->end() && kind->second.has_string_value()) {
    kind->second.set_string_value(ExpandKind(kind->second.string_value()));
  }
  std::string normalized_json;
  auto printed = google::protobuf::util::MessageToJsonString(object, &normalized_json);
  if (!printed.ok()) return Invalid("definition", printed.message().ToString());

  v1::Survey survey;
  parsed = google::protobuf::util::JsonStringToMessage(normalized_json, &survey, options);
  if (!parsed.ok()) return Invalid("definition", parsed.message().ToString());
  CONVENE_RETURN_IF_ERROR(NormalizeDefinition(survey));
  return survey;
}

absl::Status ValidateAnswers(const v1::Survey& survey, std::vector<v1::Answer>& answers) {
  absl::flat_hash_set<std::string> answered;
  std::vector<v1::Answer> kept;
  kept.reserve(answers.size());
  for (v1::Answer& answer : answers) {
    const v1::Question* q = FindQuestion(survey, answer.question_key());
    if (q == nullptr) {
      return Invalid(answer.question_key().empty() ? "question_key" : answer.question_key(),
                     "no such question");
    }
    if (!answered.insert(q->key()).second) return Invalid(q->key(), "answered more than once");
    bool empty = false;
    CONVENE_RETURN_IF_ERROR(CheckAnswer(*q, answer, empty));
    if (!empty) kept.push_back(std::move(answer));
  }
  answers = std::move(kept);
  absl::flat_hash_set<std::string> given;
  for (const v1::Answer& answer : answers) given.insert(answer.question_key());
  for (const v1::Question& q : survey.questions()) {
    if (q.required() && !given.contains(q.key())) return Invalid(q.key(), "an answer is required");
  }
  return absl::OkStatus();
}

std::pair<int, int> QuizScore(const v1::Survey& survey, const std::vector<v1::Answer>& answers) {
  absl::flat_hash_map<std::string, const v1::Answer*> by_key;
  for (const v1::Answer& answer : answers) by_key.emplace(answer.question_key(), &answer);
  int score = 0, max_score = 0;
  for (const v1::Question& q : survey.questions()) {
    if (!q.has_quiz()) continue;
    int points = q.quiz().points() == 0 ? 1 : q.quiz().points();
    max_score += points;
    auto it = by_key.find(q.key());
    if (it != by_key.end() && it->second->value_case() == v1::Answer::kChoice &&
        it->second->choice() == q.quiz().correct()) {
      score += points;
    }
  }
  return {score, max_score};
}

absl::StatusOr<ResponseLayout> ResponseLayout::FromHeader(const v1::Survey& survey,
                                                          const std::vector<std::string>& header) {
  ResponseLayout layout;
  layout.survey_ = survey;
  absl::flat_hash_set<std::string> seen;
  for (const std::string& raw : header) {
    std::string column(absl::StripAsciiWhitespace(raw));
    if (column.empty()) return Invalid("header", "a column has no name");
    if (!seen.insert(column).second) return Invalid(column, "the column appears twice");
    int index = -1;
    Attribute attribute = Attribute::kCountry;
    if (!FindAttribute(column, attribute)) {
      for (int i = 0; i < survey.questions_size(); ++i) {
        if (survey.questions(i).key() == column) index = i;
      }
      if (index < 0) {
        return Invalid(column, "no such question (nor _country, _sector, _gender, _role)");
      }
    }
    layout.columns_.push_back(std::move(column));
    layout.question_index_.push_back(index);
  }
  return layout;
}

namespace {

template <typename Enum>
absl::Status SetDisplay(const absl::StatusOr<Enum>& value, std::string* out) {
  if (!value.ok()) return value.status();
  *out = EnumDisplay(google::protobuf::GetEnumDescriptor<Enum>(), *value);
  return absl::OkStatus();
}

}  // namespace

v1::RespondentAttributes AttributesOf(const registration::v1::Participant& participant) {
  v1::RespondentAttributes attributes;
  attributes.set_country(participant.country());
  attributes.set_sector(EnumDisplay(registration::v1::Sector_descriptor(), participant.sector()));
  attributes.set_gender(EnumDisplay(registration::v1::Gender_descriptor(), participant.gender()));
  attributes.set_role(EnumDisplay(registration::v1::Role_descriptor(), participant.role()));
  return attributes;
}

std::vector<v1::RowError> ResponseLayout::ParseRow(const v1::ImportRow& row,
                                                   std::vector<v1::Answer>& answers,
                                                   v1::RespondentAttributes& attributes) const {
  answers.clear();
  attributes.Clear();
  std::vector<v1::RowError> errors;
  auto add_error = [&](absl::string_view field, absl::string_view reason) {
    v1::RowError& error = errors.emplace_back();
    error.set_line(row.line());
    error.set_field(std::string(field));
    error.set_reason(std::string(reason));
  };

  for (int i = static_cast<int>(columns_.size()); i < row.cells_size(); ++i) {
    if (!absl::StripAsciiWhitespace(row.cells(i)).empty()) {
      add_error("row", absl::StrCat("row: ", row.cells_size(), " cells, but the header has ",
                                    columns_.size(), " columns"));
      break;
    }
  }

  absl::flat_hash_set<std::string> faulty;  // questions with an error already reported
  for (size_t c = 0; c < columns_.size(); ++c) {
    absl::string_view cell;
    if (static_cast<int>(c) < row.cells_size()) cell = row.cells(c);
    int index = question_index_[c];
    if (index < 0) {
      Attribute attribute = Attribute::kCountry;
      FindAttribute(columns_[c], attribute);
      absl::string_view value = absl::StripAsciiWhitespace(cell);
      if (value.empty()) continue;
      // The same vocabulary as registration's: an alpha-2 country code and the enums' display
      // forms, whatever spelling the form used ("Viet Nam", "CSO", "F").
      absl::Status status;
      switch (attribute) {
        case Attribute::kCountry: {
          std::optional<std::string> code = registration::NormalizeCountry(value);
          if (code) {
            attributes.set_country(*code);
          } else {
            status = Invalid(columns_[c], absl::StrCat("\"", value, "\" is not a country"));
          }
          break;
        }
        case Attribute::kSector:
          status = SetDisplay(registration::ParseSector(value), attributes.mutable_sector());
          break;
        case Attribute::kGender:
          status = SetDisplay(registration::ParseGender(value), attributes.mutable_gender());
          break;
        case Attribute::kRole:
          status = SetDisplay(registration::ParseRole(value), attributes.mutable_role());
          break;
      }
      if (!status.ok()) {
        // registration's parsers name the field without the underscore.
        std::string reason(status.message());
        if (!absl::StartsWith(reason, columns_[c])) reason = absl::StrCat("_", reason);
        add_error(columns_[c], reason);
      }
      continue;
    }
    const v1::Question& q = survey_.questions(index);
    // Free text is taken as is (CheckAnswer trims it); other cells are trimmed here.
    if (!q.has_free_text()) cell = absl::StripAsciiWhitespace(cell);
    if (cell.empty()) continue;
    v1::Answer answer;
    absl::Status status = ReadCell(q, cell, answer);
    bool empty = false;
    if (status.ok()) status = CheckAnswer(q, answer, empty);
    if (!status.ok()) {
      add_error(q.key(), status.message());
      faulty.insert(q.key());
      continue;
    }
    if (!empty) answers.push_back(std::move(answer));
  }

  absl::flat_hash_set<std::string> given;
  for (const v1::Answer& answer : answers) given.insert(answer.question_key());
  for (const v1::Question& q : survey_.questions()) {
    if (q.required() && !given.contains(q.key()) && !faulty.contains(q.key())) {
      add_error(q.key(), absl::StrCat(q.key(), ": an answer is required"));
    }
  }
  return errors;
}

std::vector<std::string> ApplyCodebook(const v1::Codebook& codebook, absl::string_view text) {
  std::string folded = Fold(text);
  std::vector<std::string> codes;
  absl::flat_hash_set<std::string> seen;
  for (const v1::CodeRule& rule : codebook.rules()) {
    if (rule.code().empty() || seen.contains(rule.code())) continue;
    for (const std::string& keyword : rule.keywords()) {
      if (ContainsWords(folded, Fold(keyword))) {
        codes.push_back(rule.code());
        seen.insert(rule.code());
        break;
      }
    }
  }
  return codes;
}

absl::Status ValidateCodebook(const v1::Codebook& codebook) {
  if (codebook.rules().empty()) return Invalid("rules", "the codebook has no rules");
  CONVENE_RETURN_IF_ERROR(CheckCount("rules", codebook.rules_size(), kMaxCodebookRules, "rules"));
  absl::flat_hash_set<std::string> codes;
  for (int i = 0; i < codebook.rules_size(); ++i) {
    const v1::CodeRule& rule = codebook.rules(i);
    std::string field = absl::StrCat("rules[", i, "]");
    if (absl::StripAsciiWhitespace(rule.code()).empty()) {
      return Invalid(absl::StrCat(field, ".code"), "required");
    }
    CONVENE_RETURN_IF_ERROR(CheckLength(absl::StrCat(field, ".code"), rule.code(), kMaxKeyLength));
    CONVENE_RETURN_IF_ERROR(CheckCount(absl::StrCat(field, ".keywords"), rule.keywords_size(),
                                       kMaxKeywords, "keywords"));
    if (!codes.insert(rule.code()).second) {
      return Invalid(absl::StrCat(field, ".code"),
                     absl::StrCat("code \"", rule.code(), "\" appears twice"));
    }
    bool any = false;
    for (const std::string& keyword : rule.keywords()) {
      CONVENE_RETURN_IF_ERROR(
          CheckLength(absl::StrCat(field, ".keywords"), keyword, kMaxLineLength));
      if (!absl::StripAsciiWhitespace(keyword).empty()) any = true;
    }
    if (!any) {
      return Invalid(absl::StrCat(field, ".keywords"),
                     absl::StrCat("code \"", rule.code(), "\" needs a non-empty keyword"));
    }
  }
  return absl::OkStatus();
}

absl::Status NormalizeCodes(absl::string_view field,
                            google::protobuf::RepeatedPtrField<std::string>& codes) {
  CONVENE_RETURN_IF_ERROR(CheckCount(field, codes.size(), kMaxCodesPerAnswer, "codes"));
  absl::flat_hash_set<std::string> seen;
  for (std::string& code : codes) {
    CONVENE_RETURN_IF_ERROR(CheckLength(field, code, kMaxKeyLength));
    code = std::string(absl::StripAsciiWhitespace(code));
    if (code.empty()) return Invalid(field, "empty code");
    if (!seen.insert(code).second)
      return Invalid(field, absl::StrCat("code \"", code, "\" given twice"));
  }
  return absl::OkStatus();
}

}  // namespace convene::survey

namespace convene::survey {

v1::SurveyState EffectiveState(const v1::Survey& survey, absl::Time now) {
  auto reached = [&](const google::protobuf::Timestamp& time) {
    return IsSet(time) && FromTimestamp(time) <= now;
  };
  v1::SurveyState state = survey.state();
  if (state == v1::SURVEY_STATE_DRAFT && reached(survey.open_time())) state = v1::SURVEY_STATE_OPEN;
  if (state == v1::SURVEY_STATE_OPEN && reached(survey.close_time())) {
    state = v1::SURVEY_STATE_CLOSED;
  }
  return state;
}

}  // namespace convene::survey
