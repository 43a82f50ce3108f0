#include "services/aggregation/summary.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace convene::aggregation {
namespace {

double Percent(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// A counter over lo..hi when the range is small enough to be an array, else an unbounded one.
ValueCounts CountsFor(int64_t lo, int64_t hi) {
  absl::StatusOr<ValueCounts> counts = ValueCounts::ForRange(lo, hi);
  return counts.ok() ? *std::move(counts) : ValueCounts();
}

std::string KindName(const sv::Question& q) {
  switch (q.kind_case()) {
    case sv::Question::kLikert:
      return "likert";
    case sv::Question::kRating:
      return "rating";
    case sv::Question::kSingleChoice:
      return "single-choice";
    case sv::Question::kMultipleChoice:
      return "multiple-choice";
    case sv::Question::kNumber:
      return "number";
    case sv::Question::kFreeText:
      return "free-text";
    case sv::Question::kQuiz:
      return "quiz";
    case sv::Question::KIND_NOT_SET:
      break;
  }
  return "";
}

const google::protobuf::RepeatedPtrField<sv::Option>* OptionsOf(const sv::Question& q) {
  if (q.has_single_choice()) return &q.single_choice().options();
  if (q.has_multiple_choice()) return &q.multiple_choice().options();
  if (q.has_quiz()) return &q.quiz().options();
  return nullptr;
}

int OptionIndex(const google::protobuf::RepeatedPtrField<sv::Option>& options,
                const std::string& key) {
  for (int i = 0; i < options.size(); ++i) {
    if (options[i].key() == key) return i;
  }
  return -1;
}

// Whole numbers print without decimals, others with up to two.
std::string Number(double value) {
  if (value == std::floor(value) && std::abs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  std::string text = absl::StrFormat("%.2f", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string OneDecimal(double value) { return absl::StrFormat("%.1f", value); }

std::string Quoted(absl::string_view text) { return absl::StrCat("\u201c", text, "\u201d"); }

// "What was the most useful aspect?" -> "the most useful aspect"; "" when the question is not of
// that shape.
std::string Aspect(absl::string_view text) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  absl::ConsumeSuffix(&rest, "?");
  for (absl::string_view prefix : {"What was ", "What were ", "What is ", "What are "}) {
    if (absl::ConsumePrefix(&rest, prefix)) return std::string(rest);
  }
  return "";
}

}  // namespace

std::string FewerAnswersReason(int min_answers) {
  return absl::StrCat("fewer than ", min_answers, " answers");
}

v1::QuestionSummary WithheldQuestion(const v1::QuestionSummary& full, const std::string& reason) {
  v1::QuestionSummary out;
  out.set_key(full.key());
  out.set_text(full.text());
  out.set_kind(full.kind());
  out.set_suppressed(true);
  out.set_suppressed_reason(reason);
  return out;
}

std::string WholePercent(double percent) {
  return absl::StrCat(static_cast<int64_t>(std::llround(percent)), "%");
}

void FillScale(const NumericSummary& summary, v1::ScaleStatistics* out) {
  out->set_answered(static_cast<int32_t>(summary.n));
  if (summary.mean) out->set_mean(*summary.mean);
  if (summary.standard_deviation) out->set_standard_deviation(*summary.standard_deviation);
  if (summary.median) out->set_median(*summary.median);
  if (summary.q1) out->set_first_quartile(*summary.q1);
  if (summary.q3) out->set_third_quartile(*summary.q3);
  if (summary.min) out->set_min(*summary.min);
  if (summary.max) out->set_max(*summary.max);
  if (summary.mean_ci) {
    out->set_mean_ci_low(summary.mean_ci->low);
    out->set_mean_ci_high(summary.mean_ci->high);
  }
}

QuestionAccumulator::QuestionAccumulator(const sv::Question& question) : question_(&question) {
  switch (question.kind_case()) {
    case sv::Question::kLikert:
      counts_ = CountsFor(1, question.likert().points());
      break;
    case sv::Question::kRating:
      counts_ = CountsFor(question.rating().min(), question.rating().max());
      break;
    case sv::Question::kNumber: {
      const sv::NumberQuestion& n = question.number();
      if (n.integer() && n.has_min() && n.has_max()) {
        counts_ = CountsFor(static_cast<int64_t>(std::ceil(n.min())),
                            static_cast<int64_t>(std::floor(n.max())));
      }
      break;
    }
    default:
      break;
  }
  if (const auto* options = OptionsOf(question)) option_counts_.assign(options->size(), 0);
}

void QuestionAccumulator::Add(const sv::Answer* answer) {
  if (answer == nullptr) {
    ++missing_;
    counts_.AddMissing();
    return;
  }
  ++answered_;
  const sv::Question& q = *question_;
  switch (q.kind_case()) {
    case sv::Question::kLikert:
    case sv::Question::kRating:
      counts_.Add(answer->scale());
      break;
    case sv::Question::kNumber:
      if (q.number().integer()) {
        counts_.Add(std::llround(answer->number()));
      } else {
        values_.push_back(answer->number());
      }
      break;
    case sv::Question::kSingleChoice:
    case sv::Question::kQuiz: {
      const int i = OptionIndex(*OptionsOf(q), answer->choice());
      if (i >= 0) ++option_counts_[i];
      if (q.has_quiz() && answer->choice() == q.quiz().correct()) ++correct_;
      break;
    }
    case sv::Question::kMultipleChoice:
      for (const std::string& key : answer->selections().option_keys()) {
        const int i = OptionIndex(q.multiple_choice().options(), key);
        if (i >= 0) ++option_counts_[i];
        ++selections_;
      }
      break;
    case sv::Question::kFreeText:
      if (answer->codes().empty()) {
        ++uncoded_;
        uncoded_text_.push_back(answer->text());
      }
      for (const std::string& code : answer->codes()) ++themes_[code];
      break;
    case sv::Question::KIND_NOT_SET:
      break;
  }
}

void QuestionAccumulator::AddCounts(const sv::QuestionAnswerCounts& counts, int64_t missing) {
  missing_ += missing;
  counts_.AddMissing(missing);
  answered_ += counts.answered();
  const sv::Question& q = *question_;
  for (const sv::AnswerCount& given : counts.values()) {
    const std::string& value = given.value();
    const int64_t n = given.count();
    switch (q.kind_case()) {
      case sv::Question::kLikert:
      case sv::Question::kRating:
      case sv::Question::kNumber: {
        double number = 0;
        if (!absl::SimpleAtod(value, &number)) break;
        if (q.has_number() && !q.number().integer()) {
          values_.insert(values_.end(), n, number);
        } else {
          counts_.Add(std::llround(number), n);
        }
        break;
      }
      case sv::Question::kSingleChoice:
      case sv::Question::kQuiz: {
        const int i = OptionIndex(*OptionsOf(q), value);
        if (i >= 0) option_counts_[i] += n;
        if (q.has_quiz() && value == q.quiz().correct()) correct_ += n;
        break;
      }
      case sv::Question::kMultipleChoice: {
        const int i = OptionIndex(q.multiple_choice().options(), value);
        if (i >= 0) option_counts_[i] += n;
        selections_ += n;
        break;
      }
      case sv::Question::kFreeText:
        uncoded_ += n;
        uncoded_text_.insert(uncoded_text_.end(), n, value);
        break;
      case sv::Question::KIND_NOT_SET:
        break;
    }
  }
  for (const sv::AnswerCount& code : counts.codes()) themes_[code.value()] += code.count();
}

v1::QuestionSummary QuestionAccumulator::Summarize(bool with_uncoded_text) const {
  const sv::Question& q = *question_;
  v1::QuestionSummary out;
  out.set_key(q.key());
  out.set_text(q.text());
  out.set_kind(KindName(q));
  out.set_missing(static_cast<int32_t>(missing_));
  auto fill_options = [&](google::protobuf::RepeatedPtrField<v1::OptionCount>* options) {
    const auto& defined = *OptionsOf(q);
    for (int i = 0; i < defined.size(); ++i) {
      v1::OptionCount* option = options->Add();
      option->set_key(defined[i].key());
      option->set_label(defined[i].label());
      option->set_count(static_cast<int32_t>(option_counts_[i]));
      option->set_percent(Percent(option_counts_[i], answered_));
    }
  };
  switch (q.kind_case()) {
    case sv::Question::kLikert:
    case sv::Question::kRating:
    case sv::Question::kNumber: {
      v1::ScaleStatistics* scale = out.mutable_scale();
      if (q.has_number() && !q.number().integer()) {
        FillScale(SummarizeValues(values_, missing_), scale);
        break;
      }
      FillScale(counts_.Summarize(), scale);
      for (const ValueShare& share : counts_.Distribution()) {
        v1::ValueCount* value = scale->add_distribution();
        value->set_value(static_cast<double>(share.value));
        value->set_count(static_cast<int32_t>(share.count));
        value->set_percent(share.percent.value_or(0));
        if (q.has_likert() && share.value >= 1 && share.value <= q.likert().labels_size()) {
          value->set_label(q.likert().labels(static_cast<int>(share.value) - 1));
        }
      }
      if (q.has_likert()) {
        if (auto top = counts_.TopTwoBoxPercent(q.likert().points())) {
          scale->set_top_two_box_percent(*top);
        }
      }
      if (q.has_rating() && q.rating().min() == 0 && q.rating().max() == 10) {
        if (auto nps = counts_.NetPromoterScore()) scale->set_net_promoter_score(*nps);
      }
      break;
    }
    case sv::Question::kSingleChoice:
    case sv::Question::kMultipleChoice: {
      v1::ChoiceStatistics* choice = out.mutable_choice();
      choice->set_respondents(static_cast<int32_t>(answered_));
      fill_options(choice->mutable_options());
      choice->set_selections(
          static_cast<int32_t>(q.has_multiple_choice() ? selections_ : answered_));
      break;
    }
    case sv::Question::kFreeText: {
      v1::TextStatistics* text = out.mutable_free_text();
      text->set_answered(static_cast<int32_t>(answered_));
      std::vector<std::pair<std::string, int64_t>> themes(themes_.begin(), themes_.end());
      std::stable_sort(themes.begin(), themes.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      for (const auto& [code, count] : themes) {
        v1::ThemeCount* theme = text->add_themes();
        theme->set_code(code);
        theme->set_count(static_cast<int32_t>(count));
        theme->set_percent(Percent(count, answered_));
      }
      text->set_uncoded_count(static_cast<int32_t>(uncoded_));
      if (with_uncoded_text) {
        for (const std::string& t : uncoded_text_) text->add_uncoded_answers(t);
      }
      break;
    }
    case sv::Question::kQuiz: {
      v1::QuizItemStatistics* quiz = out.mutable_quiz();
      quiz->set_answered(static_cast<int32_t>(answered_));
      quiz->set_correct(static_cast<int32_t>(correct_));
      if (answered_ > 0) quiz->set_percent_correct(Percent(correct_, answered_));
      fill_options(quiz->mutable_options());
      quiz->set_correct_option(q.quiz().correct());
      break;
    }
    case sv::Question::KIND_NOT_SET:
      break;
  }
  return out;
}

SurveyAggregator::SurveyAggregator(const sv::Survey& survey) : survey_(&survey) {
  for (const sv::Question& q : survey.questions()) {
    index_[q.key()] = static_cast<int>(questions_.size());
    questions_.push_back(std::make_unique<QuestionAccumulator>(q));
    if (q.has_quiz()) max_score_ += q.quiz().points();
  }
  if (max_score_ > 0) scores_ = CountsFor(0, max_score_);
}

void SurveyAggregator::Add(const sv::Response& response) {
  ++responses_;
  // Answers usually come in the survey's order; the map is the fallback.
  std::vector<const sv::Answer*>& by_question = scratch_;
  by_question.assign(questions_.size(), nullptr);
  for (int i = 0; i < response.answers_size(); ++i) {
    const sv::Answer& answer = response.answers(i);
    int index = -1;
    if (i < static_cast<int>(questions_.size()) &&
        survey_->questions(i).key() == answer.question_key()) {
      index = i;
    } else if (auto it = index_.find(answer.question_key()); it != index_.end()) {
      index = it->second;
    }
    if (index >= 0) by_question[index] = &answer;
  }
  for (size_t i = 0; i < questions_.size(); ++i) questions_[i]->Add(by_question[i]);
  if (max_score_ > 0) scores_.Add(response.score());
}

void SurveyAggregator::AddCounts(const sv::CountAnswersResponse& counts) {
  responses_ += counts.response_count();
  std::vector<const sv::QuestionAnswerCounts*> by_question(questions_.size(), nullptr);
  for (const sv::QuestionAnswerCounts& question : counts.questions()) {
    if (auto it = index_.find(question.question_key()); it != index_.end()) {
      by_question[it->second] = &question;
    }
  }
  for (size_t i = 0; i < questions_.size(); ++i) {
    static const sv::QuestionAnswerCounts kNone;
    const sv::QuestionAnswerCounts& question = by_question[i] ? *by_question[i] : kNone;
    questions_[i]->AddCounts(question, counts.response_count() - question.answered());
  }
  if (max_score_ > 0) {
    for (const sv::AnswerCount& score : counts.scores()) {
      int64_t value = 0;
      if (absl::SimpleAtoi(score.value(), &value)) scores_.Add(value, score.count());
    }
  }
}

std::vector<v1::QuestionSummary> SurveyAggregator::Questions(bool with_uncoded_text,
                                                             int min_answers) const {
  std::vector<v1::QuestionSummary> out;
  out.reserve(questions_.size());
  for (const auto& q : questions_) {
    out.push_back(q->Summarize(with_uncoded_text));
    if (q->answered() > 0 && q->answered() < min_answers) {
      out.back() = WithheldQuestion(out.back(), FewerAnswersReason(min_answers));
    }
  }
  return out;
}

v1::ScaleStatistics SurveyAggregator::Score() const {
  v1::ScaleStatistics out;
  if (max_score_ == 0) return out;
  FillScale(scores_.Summarize(), &out);
  for (const ValueShare& share : scores_.Distribution()) {
    v1::ValueCount* value = out.add_distribution();
    value->set_value(static_cast<double>(share.value));
    value->set_count(static_cast<int32_t>(share.count));
    value->set_percent(share.percent.value_or(0));
  }
  return out;
}

absl::StatusOr<std::vector<Dimension>> ParseDimensions(
    const google::protobuf::RepeatedPtrField<std::string>& by) {
  std::vector<Dimension> dimensions;
  for (const std::string& raw : by) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
    Dimension d;
    if (name == "country") {
      d = Dimension::kCountry;
    } else if (name == "sector") {
      d = Dimension::kSector;
    } else if (name == "gender") {
      d = Dimension::kGender;
    } else if (name == "role") {
      d = Dimension::kRole;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "by: \"", raw, "\" is not a breakdown; use country, sector, gender or role"));
    }
    if (std::find(dimensions.begin(), dimensions.end(), d) != dimensions.end()) {
      return absl::InvalidArgumentError(absl::StrCat("by: ", name, " is given twice"));
    }
    dimensions.push_back(d);
  }
  if (dimensions.size() > 2) {
    return absl::InvalidArgumentError("by: at most two breakdowns at once (e.g. country,sector)");
  }
  return dimensions;
}

std::string DimensionName(Dimension dimension) {
  switch (dimension) {
    case Dimension::kCountry:
      return "country";
    case Dimension::kSector:
      return "sector";
    case Dimension::kGender:
      return "gender";
    case Dimension::kRole:
      return "role";
  }
  return "";
}

absl::StatusOr<int> MinCellSize(int requested) {
  if (requested == 0) return kDefaultMinCellSize;
  if (requested < kDefaultMinCellSize) {
    return absl::InvalidArgumentError(absl::StrCat("min_cell_size: ", requested,
                                                   " is below the minimum of ", kDefaultMinCellSize,
                                                   "; it can only be raised"));
  }
  return requested;
}

Breakdown::Breakdown(const sv::Survey& survey, std::vector<Dimension> dimensions)
    : survey_(&survey), dimensions_(std::move(dimensions)) {}

void Breakdown::Add(const sv::Response& response) {
  std::vector<std::string> key;
  key.reserve(dimensions_.size());
  const sv::RespondentAttributes& a = response.attributes();
  for (Dimension d : dimensions_) {
    switch (d) {
      case Dimension::kCountry:
        key.push_back(a.country());
        break;
      case Dimension::kSector:
        key.push_back(a.sector());
        break;
      case Dimension::kGender:
        key.push_back(a.gender());
        break;
      case Dimension::kRole:
        key.push_back(a.role());
        break;
    }
  }
  auto& cell = cells_[key];
  if (cell == nullptr) cell = std::make_unique<SurveyAggregator>(*survey_);
  cell->Add(response);
}

std::vector<v1::BreakdownCell> Breakdown::Cells(bool suppress, int min_cell_size) const {
  std::vector<std::vector<std::string>> values;
  std::vector<int64_t> respondents;
  for (const auto& [key, cell] : cells_) {
    values.push_back(key);
    respondents.push_back(cell->responses());
  }
  std::vector<bool> suppressed(values.size(), false);
  if (suppress) suppressed = SuppressedCells(values, respondents, min_cell_size);
  // withheld[q][i]: question q's figures in cell i, per the same rule over its answer counts.
  // The cells hidden whole count as hidden in every total. Cells without an answer are left out
  // (nothing to protect, and no use as a complement).
  const int questions = survey_->questions_size();
  std::vector<std::vector<bool>> withheld(questions, std::vector<bool>(values.size(), false));
  if (suppress) {
    for (int q = 0; q < questions; ++q) {
      std::vector<std::vector<std::string>> answered_values;
      std::vector<int64_t> answered;
      std::vector<bool> hidden;
      std::vector<size_t> at;
      size_t i = 0;
      for (const auto& [key, cell] : cells_) {
        if (cell->answered(q) > 0) {
          answered_values.push_back(key);
          answered.push_back(cell->answered(q));
          hidden.push_back(suppressed[i]);
          at.push_back(i);
        }
        ++i;
      }
      const std::vector<bool> result =
          SuppressedCells(answered_values, answered, min_cell_size, hidden);
      for (size_t j = 0; j < at.size(); ++j) withheld[q][at[j]] = result[j];
    }
  }
  std::vector<v1::BreakdownCell> out;
  size_t i = 0;
  for (const auto& [key, cell] : cells_) {
    v1::BreakdownCell& c = out.emplace_back();
    for (const std::string& v : key) c.add_values(v);
    c.set_respondents(static_cast<int32_t>(cell->responses()));
    c.set_suppressed(suppressed[i]);
    if (!suppressed[i]) {
      std::vector<v1::QuestionSummary> summaries = cell->Questions(/*with_uncoded_text=*/false);
      for (int q = 0; q < questions; ++q) {
        if (withheld[q][i]) {
          summaries[q] = WithheldQuestion(summaries[q], cell->answered(q) < min_cell_size
                                                            ? FewerAnswersReason(min_cell_size)
                                                            : kComplementaryReason);
        }
        *c.add_questions() = std::move(summaries[q]);
      }
      if (cell->max_score() > 0) *c.mutable_score() = cell->Score();
    }
    ++i;
  }
  return out;
}

std::vector<bool> SuppressedCells(const std::vector<std::vector<std::string>>& values,
                                  const std::vector<int64_t>& respondents, int min_cell_size,
                                  const std::vector<bool>& already_hidden) {
  const size_t n = values.size();
  std::vector<bool> suppressed(n);
  for (size_t i = 0; i < n; ++i) {
    suppressed[i] =
        respondents[i] < min_cell_size || (!already_hidden.empty() && already_hidden[i]);
  }
  // The groups that may not hide exactly one cell: all cells, and for two dimensions each row and
  // column.
  std::vector<std::vector<size_t>> groups(1);
  for (size_t i = 0; i < n; ++i) groups[0].push_back(i);
  // The groups whose totals are known, so that the sum of their hidden cells is known too: all
  // cells, and for two dimensions each row (or column) whose total the one-dimensional breakdown
  // shows, and the rows whose totals it hides taken together (the overall total less the rows
  // shown).
  std::vector<std::vector<size_t>> known = groups;
  const size_t dims = n == 0 ? 0 : values[0].size();
  // Cells alone in their row or column: the row's total gives such a cell away, so it protects
  // nothing as a complement; other cells are preferred.
  std::vector<bool> alone(n, false);
  // The smallest cell of `group` still shown (preferring cells not alone), or n.
  auto smallest_shown = [&](const std::vector<size_t>& group) {
    size_t smallest = n;
    for (size_t i : group) {
      if (!suppressed[i] &&
          (smallest == n || std::make_pair(alone[i], respondents[i]) <
                                std::make_pair(alone[smallest], respondents[smallest]))) {
        smallest = i;
      }
    }
    return smallest;
  };
  // Per dimension, the values whose totals the one-dimensional breakdown hides.
  std::vector<std::set<std::string>> hidden_total(2);
  if (dims == 2) {
    std::vector<std::map<std::string, std::vector<size_t>>> by_value(2);
    for (size_t d = 0; d < 2; ++d) {
      for (size_t i = 0; i < n; ++i) by_value[d][values[i][d]].push_back(i);
      for (const auto& [value, members] : by_value[d]) {
        if (members.size() == 1) alone[members[0]] = true;
      }
    }
    for (size_t d = 0; d < 2; ++d) {
      // The one-dimensional breakdown by this dimension hides some rows' totals (complements
      // included); a row shown here in full would give its total back, and with it the small cell
      // that total protects there. So such a row hides at least one cell.
      std::vector<std::vector<std::string>> row_values;
      std::vector<int64_t> row_totals;
      for (const auto& [value, members] : by_value[d]) {
        row_values.push_back({value});
        int64_t total = 0;
        for (size_t i : members) total += respondents[i];
        row_totals.push_back(total);
      }
      const std::vector<bool> hidden_rows = SuppressedCells(row_values, row_totals, min_cell_size);
      std::vector<size_t> rows_hidden_together;
      size_t row = 0;
      for (auto& [value, members] : by_value[d]) {
        const bool none_hidden =
            std::none_of(members.begin(), members.end(), [&](size_t i) { return suppressed[i]; });
        if (hidden_rows[row] && none_hidden) suppressed[smallest_shown(members)] = true;
        if (hidden_rows[row]) {
          hidden_total[d].insert(value);
          rows_hidden_together.insert(rows_hidden_together.end(), members.begin(), members.end());
        } else {
          known.push_back(members);
        }
        ++row;
        groups.push_back(std::move(members));
      }
      if (!rows_hidden_together.empty()) known.push_back(std::move(rows_hidden_together));
    }
  }
  // No total hides exactly one cell. Returns whether it hid more.
  // Hides the smallest cell still shown of every set in `sets` that `leaks` (is given away by its
  // total), until none does. Returns whether it hid more.
  auto hide_while = [&](const std::vector<std::vector<size_t>>& sets, auto leaks) {
    bool any = false;
    for (bool changed = true; changed;) {
      changed = false;
      for (const std::vector<size_t>& set : sets) {
        if (!leaks(set)) continue;
        const size_t smallest = smallest_shown(set);
        if (smallest != n) {
          suppressed[smallest] = true;
          changed = true;
          any = true;
        }
      }
    }
    return any;
  };
  // A group with exactly one hidden cell gives that cell away: the smallest cell still shown joins
  // it, so that neither can be recovered.
  auto complete_groups = [&] {
    return hide_while(groups, [&](const std::vector<size_t>& group) {
      size_t hidden = 0;
      for (size_t i : group) hidden += suppressed[i] ? 1 : 0;
      return hidden == 1;
    });
  };
  // The hidden cells of a known total add up to 0 or to at least the minimum: the total less the
  // cells shown gives their sum (their figures taken together), which would otherwise describe
  // fewer people than the minimum. While one does not, the smallest cell of that total still shown
  // joins them.
  auto complete_sums = [&] {
    return hide_while(known, [&](const std::vector<size_t>& group) {
      int64_t sum = 0;
      for (size_t i : group) sum += suppressed[i] ? respondents[i] : 0;
      return sum != 0 && sum < min_cell_size;
    });
  };
  // Both rules, until neither hides more. Returns whether they hid more.
  auto settle = [&] {
    bool any = false;
    while (true) {
      const bool groups_changed = complete_groups();
      const bool sums_changed = complete_sums();
      if (!groups_changed && !sums_changed) return any;
      any = true;
    }
  };
  settle();
  if (dims == 2) {
    // The rules above can leave a small cell that several totals together give away. Exactly: the
    // hidden cells of a two-way table are the edges of a bipartite graph whose vertices are its
    // rows and columns, each with a known total; rows (or columns) whose totals are hidden merge
    // into one vertex, since only their sum is known. A hidden cell's count follows from the
    // totals exactly when its edge is a bridge (on no cycle). While a small cell is a bridge,
    // hide the smallest cell still shown in its row or column.
    auto vertex = [&](size_t cell, size_t d) {
      const std::string& value = values[cell][d];
      return absl::StrCat(d, hidden_total[d].count(value) ? std::string("*") : "=" + value);
    };
    auto is_bridge = [&](size_t edge) {
      const std::string from = vertex(edge, 0), to = vertex(edge, 1);
      std::set<std::string> seen = {from};
      std::vector<std::string> frontier = {from};
      while (!frontier.empty()) {
        const std::string at = frontier.back();
        frontier.pop_back();
        for (size_t i = 0; i < n; ++i) {
          if (!suppressed[i] || i == edge) continue;
          const std::string a = vertex(i, 0), b = vertex(i, 1);
          const std::string* next = a == at ? &b : b == at ? &a : nullptr;
          if (next != nullptr && seen.insert(*next).second) {
            if (*next == to) return false;
            frontier.push_back(*next);
          }
        }
      }
      return true;
    };
    // Likewise a set of hidden cells whose sum follows from several totals, but from no single
    // one (two rows' totals less a column's, say). In the same graph, the sums the totals give are
    // made of the sets of edges leaving a set X of vertices when every such edge goes from a row
    // in X to a column outside it (the rows' equations less the columns' leave exactly those
    // edges). The lightest such set is a minimum cut of the directed graph with an arc row ->
    // column weighing the cell's count for each hidden cell and an arc column -> row that cannot
    // be cut; a bridge is one too. Returns the X of a cut lighter than the minimum (then a cell
    // shown with one end in X, hidden, mends it), or an empty set. Capacities are capped at the
    // minimum, since no heavier cut matters; cells of count 0 carry no figures and are left out.
    auto small_sum_cut = [&]() -> std::set<std::string> {
      const int64_t k = min_cell_size;
      std::map<std::string, int> id;
      std::vector<std::string> name;
      auto vertex_id = [&](const std::string& v) {
        auto [it, added] = id.emplace(v, static_cast<int>(name.size()));
        if (added) name.push_back(v);
        return it->second;
      };
      std::vector<std::pair<int, int>> edges;
      std::vector<int64_t> weights;
      for (size_t i = 0; i < n; ++i) {
        if (!suppressed[i] || respondents[i] == 0) continue;
        edges.push_back({vertex_id(vertex(i, 0)), vertex_id(vertex(i, 1))});
        weights.push_back(respondents[i]);
      }
      const int v = static_cast<int>(name.size());
      std::vector<std::vector<int64_t>> capacity(v, std::vector<int64_t>(v, 0));
      std::vector<std::vector<int>> neighbours(v);
      for (size_t e = 0; e < edges.size(); ++e) {
        const auto [row, column] = edges[e];
        capacity[row][column] = std::min(k, capacity[row][column] + weights[e]);
        capacity[column][row] = k;
        neighbours[row].push_back(column);
        neighbours[column].push_back(row);
      }
      // component[a]: the first vertex of a's connected component.
      std::vector<int> component(v, -1);
      for (int first = 0; first < v; ++first) {
        if (component[first] >= 0) continue;
        component[first] = first;
        std::vector<int> stack = {first};
        while (!stack.empty()) {
          const int a = stack.back();
          stack.pop_back();
          for (int b : neighbours[a]) {
            if (component[b] < 0) {
              component[b] = first;
              stack.push_back(b);
            }
          }
        }
      }
      // The vertices on s's side of a cut from s to t lighter than k, or nothing (Edmonds-Karp,
      // stopped once the flow reaches k).
      auto light_cut = [&](int s, int t) -> std::vector<bool> {
        std::vector<std::vector<int64_t>> residual = capacity;
        for (int64_t flow = 0; flow < k;) {
          std::vector<int> parent(v, -1);
          parent[s] = s;
          std::vector<int> queue = {s};
          for (size_t q = 0; q < queue.size() && parent[t] < 0; ++q) {
            for (int b = 0; b < v; ++b) {
              if (parent[b] < 0 && residual[queue[q]][b] > 0) {
                parent[b] = queue[q];
                queue.push_back(b);
              }
            }
          }
          if (parent[t] < 0) {
            std::vector<bool> side(v, false);
            for (int a : queue) side[a] = true;
            return side;
          }
          int64_t push = k - flow;
          for (int b = t; b != s; b = parent[b]) push = std::min(push, residual[parent[b]][b]);
          for (int b = t; b != s; b = parent[b]) {
            residual[parent[b]][b] -= push;
            residual[b][parent[b]] += push;
          }
          flow += push;
        }
        return {};
      };
      // Every cut separates a component's first vertex from some other vertex, one way or the
      // other.
      for (int t = 0; t < v; ++t) {
        const int s = component[t];
        if (s == t) continue;
        for (const auto& [from, to] : {std::make_pair(s, t), std::make_pair(t, s)}) {
          const std::vector<bool> side = light_cut(from, to);
          if (side.empty()) continue;
          std::set<std::string> x;
          for (int a = 0; a < v; ++a) {
            if (side[a]) x.insert(name[a]);
          }
          return x;
        }
      }
      return {};
    };
    // Whether a light cut remains that no cell can mend.
    bool unmendable = false;
    for (bool changed = true; changed;) {
      changed = settle();
      for (size_t i = 0; i < n && !changed; ++i) {
        if (!suppressed[i] || respondents[i] >= min_cell_size || !is_bridge(i)) continue;
        std::vector<size_t> row_and_column;
        for (size_t j = 0; j < n; ++j) {
          if (values[j][0] == values[i][0] || values[j][1] == values[i][1]) {
            row_and_column.push_back(j);
          }
        }
        const size_t smallest = smallest_shown(row_and_column);
        if (smallest != n) {
          suppressed[smallest] = true;
          changed = true;
        }
      }
      if (changed) continue;
      const std::set<std::string> x = small_sum_cut();
      if (x.empty()) break;
      std::vector<size_t> across;  // cells with one end in X
      for (size_t i = 0; i < n; ++i) {
        if (x.count(vertex(i, 0)) != x.count(vertex(i, 1))) across.push_back(i);
      }
      const size_t smallest = smallest_shown(across);
      if (smallest == n) {
        unmendable = true;
      } else {
        suppressed[smallest] = true;
        changed = true;
      }
    }
    // When the totals alone give a small cell or a small sum away, whatever the table hides (the
    // cells around it are each a whole row or column), the table shows no cell at all.
    if (unmendable) std::fill(suppressed.begin(), suppressed.end(), true);
  }
  return suppressed;
}

void PrePostPairing::AddPre(const sv::Response& response) {
  if (response.pair_key().empty()) {
    ++unpaired_pre_without_key_;
    return;
  }
  pre_by_key_[response.pair_key()] = response.score();
}

void PrePostPairing::AddPost(const sv::Response& response) {
  auto it = response.pair_key().empty() ? pre_by_key_.end() : pre_by_key_.find(response.pair_key());
  if (it == pre_by_key_.end()) {
    ++unpaired_post_;
    return;
  }
  scores_.Add(it->second, response.score()).IgnoreError();  // whole scores are always finite
  pre_by_key_.erase(it);
}

void PrePostPairing::Fill(int min_cell_size, v1::ComparePrePostResponse* out) const {
  const PairedSummary summary = scores_.Summarize();
  const int64_t unpaired_pre = static_cast<int64_t>(pre_by_key_.size()) + unpaired_pre_without_key_;
  out->set_pairs(static_cast<int32_t>(summary.pairs));
  out->set_unpaired_pre(static_cast<int32_t>(unpaired_pre));
  out->set_unpaired_post(static_cast<int32_t>(unpaired_post_));
  out->set_max_score(max_score_);
  out->set_min_cell_size(min_cell_size);
  auto few = [&](int64_t count) { return count > 0 && count < min_cell_size; };
  std::string reason;
  if (few(summary.pairs)) {
    reason = absl::StrCat("fewer than ", min_cell_size, " pairs");
  } else if (few(unpaired_pre)) {
    reason = absl::StrCat("fewer than ", min_cell_size, " took only the pre-test");
  } else if (few(unpaired_post_)) {
    reason = absl::StrCat("fewer than ", min_cell_size, " took only the post-test");
  }
  if (!reason.empty()) {
    out->set_suppressed(true);
    out->set_suppressed_reason(reason);
    return;
  }
  if (summary.mean_pre) out->set_mean_pre(*summary.mean_pre);
  if (summary.mean_post) out->set_mean_post(*summary.mean_post);
  if (summary.mean_gain) out->set_mean_gain(*summary.mean_gain);
  if (summary.gain_ci) {
    out->set_gain_ci_low(summary.gain_ci->low);
    out->set_gain_ci_high(summary.gain_ci->high);
  }
  if (summary.normalized_gain) out->set_normalized_gain(*summary.normalized_gain);
  if (summary.wilcoxon) out->set_wilcoxon_p_value(summary.wilcoxon->p_value);
}

void FillPrePostItems(const SurveyAggregator& pre, const SurveyAggregator& post, int min_cell_size,
                      v1::ComparePrePostResponse* out) {
  std::map<std::string, v1::QuestionSummary> before;
  for (v1::QuestionSummary& q : pre.Questions(false, min_cell_size)) {
    if (q.kind() == "quiz") before[q.key()] = std::move(q);
  }
  for (const v1::QuestionSummary& after : post.Questions(false, min_cell_size)) {
    auto it = before.find(after.key());
    if (after.kind() != "quiz" || it == before.end()) continue;
    v1::PrePostItem* item = out->add_items();
    item->set_key(after.key());
    item->set_text(after.text());
    if (out->suppressed() || it->second.suppressed() || after.suppressed()) {
      item->set_suppressed(true);
      item->set_suppressed_reason(out->suppressed() ? out->suppressed_reason()
                                                    : FewerAnswersReason(min_cell_size));
      continue;
    }
    if (it->second.quiz().has_percent_correct()) {
      item->set_percent_correct_pre(it->second.quiz().percent_correct());
    }
    if (after.quiz().has_percent_correct()) {
      item->set_percent_correct_post(after.quiz().percent_correct());
    }
  }
}

void FillSurveySummary(const SurveySummaryInput& input, const SurveyAggregator& overall,
                       const Breakdown* breakdown, v1::SummarizeSurveyResponse* response) {
  const sv::Survey& survey = *input.survey;
  response->set_survey_id(survey.id());
  response->set_event_id(survey.event_id());
  response->set_title(survey.title());
  response->set_kind(survey.kind());
  response->set_anonymous(survey.anonymous());
  const int responses = static_cast<int>(overall.responses());
  response->set_response_count(responses);
  response->set_token_count(input.token_count);
  response->set_checked_in_count(input.checked_in);
  if (input.token_count > 0) {
    response->set_response_rate_tokens(100.0 * responses / input.token_count);
  }
  if (input.checked_in > 0) {
    response->set_response_rate_checked_in(100.0 * responses / input.checked_in);
  }
  const int min_answers = survey.anonymous() ? input.min_cell_size : 0;
  response->set_min_cell_size(min_answers);
  for (v1::QuestionSummary& q : overall.Questions(/*with_uncoded_text=*/true, min_answers)) {
    *response->add_questions() = std::move(q);
  }
  response->set_max_score(overall.max_score());
  if (overall.max_score() > 0) {
    if (responses > 0 && responses < min_answers) {
      response->set_score_suppressed(true);
    } else {
      *response->mutable_score() = overall.Score();
    }
  }
  if (breakdown != nullptr) {
    for (Dimension d : input.dimensions) response->add_by(DimensionName(d));
    for (v1::BreakdownCell& cell : breakdown->Cells(survey.anonymous(), input.min_cell_size)) {
      *response->add_cells() = std::move(cell);
    }
  }
  for (std::string& sentence : SurveyHighlights(*response)) {
    response->add_highlights(std::move(sentence));
  }
}

std::vector<std::string> SurveyHighlights(const v1::SummarizeSurveyResponse& summary) {
  std::vector<std::string> sentences;
  for (const v1::QuestionSummary& q : summary.questions()) {
    if (q.has_free_text() && q.free_text().answered() > 0) {
      const v1::TextStatistics& t = q.free_text();
      const std::string out_of = t.answered() == summary.response_count()
                                     ? absl::StrCat("Out of ", t.answered(), " responses")
                                     : absl::StrCat("Out of ", t.answered(), " answers (",
                                                    summary.response_count(), " responses)");
      const std::string aspect = Aspect(q.text());
      for (int i = 0; i < std::min(t.themes_size(), 2); ++i) {
        const v1::ThemeCount& theme = t.themes(i);
        if (i > 0 && theme.percent() < 20) break;
        sentences.push_back(
            absl::StrCat(out_of, ", ", WholePercent(theme.percent()), " named ", theme.code(),
                         aspect.empty() ? absl::StrCat(" in answer to ", Quoted(q.text()))
                                        : absl::StrCat(" as ", aspect),
                         "."));
      }
    } else if (q.has_scale() && q.scale().has_top_two_box_percent()) {
      const v1::ScaleStatistics& s = q.scale();
      const int points = s.distribution_size();
      std::string top = "the top two points";
      if (points >= 2 && !s.distribution(points - 1).label().empty()) {
        top = absl::StrCat(s.distribution(points - 2).label(), " or ",
                           s.distribution(points - 1).label());
      }
      sentences.push_back(absl::StrCat(WholePercent(s.top_two_box_percent()), " of ", s.answered(),
                                       " respondents answered ", top, " to ", Quoted(q.text()),
                                       " (mean ", OneDecimal(s.mean()), " of ", points, ")."));
    } else if (q.has_scale() && q.scale().has_net_promoter_score()) {
      // Signed as printed: +0.4 reads "0", not "+0".
      const double nps = std::round(q.scale().net_promoter_score());
      sentences.push_back(absl::StrCat("Net promoter score for ", Quoted(q.text()), ": ",
                                       nps > 0 ? "+" : "", Number(nps), " (", q.scale().answered(),
                                       " answers)."));
    } else if (q.has_choice() && q.choice().respondents() > 0) {
      const auto& options = q.choice().options();
      auto best =
          std::max_element(options.begin(), options.end(),
                           [](const auto& a, const auto& b) { return a.count() < b.count(); });
      if (best != options.end() && best->count() > 0) {
        sentences.push_back(absl::StrCat(Quoted(best->label()), " was the most chosen answer to ",
                                         Quoted(q.text()), ": ", WholePercent(best->percent()),
                                         " of ", q.choice().respondents(), " respondents."));
      }
    } else if (q.has_quiz() && q.quiz().has_percent_correct()) {
      sentences.push_back(absl::StrCat(WholePercent(q.quiz().percent_correct()), " of ",
                                       q.quiz().answered(), " answered ", Quoted(q.text()),
                                       " correctly."));
    }
  }
  if (summary.max_score() > 0 && summary.score().has_mean()) {
    sentences.push_back(absl::StrCat("The mean score was ", OneDecimal(summary.score().mean()),
                                     " of ", summary.max_score(), " (", summary.score().answered(),
                                     " responses)."));
  }
  return sentences;
}

std::vector<std::string> PrePostHighlights(const v1::ComparePrePostResponse& c) {
  std::vector<std::string> sentences;
  // Withheld figures (anonymous tests) give no sentence; the counts still do.
  if (!c.suppressed() && c.pairs() > 0 && c.has_mean_gain()) {
    std::string sentence =
        absl::StrCat(c.pairs(), c.pairs() == 1 ? " participant" : " participants",
                     " took both tests: the mean score ", c.mean_gain() >= 0 ? "rose" : "fell",
                     " from ", OneDecimal(c.mean_pre()), " to ", OneDecimal(c.mean_post()), " of ",
                     c.max_score(), " (mean gain ", absl::StrFormat("%.2f", c.mean_gain()));
    if (c.has_gain_ci_low()) {
      absl::StrAppend(&sentence, ", 95% CI ", absl::StrFormat("%.2f", c.gain_ci_low()), " to ",
                      absl::StrFormat("%.2f", c.gain_ci_high()));
    }
    if (c.has_normalized_gain()) {
      absl::StrAppend(&sentence, "; normalised gain ",
                      absl::StrFormat("%.2f", c.normalized_gain()));
    }
    if (c.has_wilcoxon_p_value()) {
      // As the tables print it (FormatPValue).
      absl::StrAppend(&sentence, "; Wilcoxon signed-rank ", PValueClause(c.wilcoxon_p_value()));
    }
    sentences.push_back(absl::StrCat(sentence, ")."));
  }
  const int unpaired = c.unpaired_pre() + c.unpaired_post();
  if (unpaired > 0) {
    sentences.push_back(absl::StrCat(unpaired, unpaired == 1 ? " response" : " responses",
                                     " could not be paired (", c.unpaired_pre(), " pre-test only, ",
                                     c.unpaired_post(), " post-test only)."));
  }
  return sentences;
}

}  // namespace convene::aggregation
