// The figures every format shares, and the Markdown and CSV renderings. HTML is in
// render_html.cc.
#include "services/aggregation/render.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "convene/survey/v1/survey.pb.h"
#include "services/aggregation/render_internal.h"
#include "services/aggregation/statistics.h"
#include "services/common/csv.h"
#include "services/common/enum_names.h"

namespace convene::aggregation {
namespace {

using internal::FormatInterval;
using internal::FormatPValue;
using internal::FormatSigned;
using internal::Opt;

// Number questions with more values than this list only the values given.
constexpr int kMaxNumberValuesListed = 15;

// --- Formatting ---------------------------------------------------------------------------------

// A number in a CSV value cell: as exact as a spreadsheet keeps it; "" when absent.
std::string CsvNumber(std::optional<double> value) {
  if (!value) return "";
  if (std::isfinite(*value) && *value == std::floor(*value) && std::fabs(*value) < 1e15) {
    return absl::StrFormat("%.0f", *value);
  }
  return absl::StrFormat("%.10g", *value);
}

std::string ValueLabel(const v1::ValueCount& value) {
  const std::string number = FormatShort(value.value());
  return value.label().empty() ? number : absl::StrCat(number, " · ", value.label());
}

// --- Markdown -----------------------------------------------------------------------------------

// Text for Markdown: one line, and every character a renderer would read as markup (or as raw
// HTML: a participant's "<script>") escaped with a backslash, as CommonMark allows for any ASCII
// punctuation.
std::string Md(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out.push_back(' ');
      continue;
    }
    // An underscore inside a word (a key such as best_session) is never emphasis.
    const bool in_word = c == '_' && i > 0 && i + 1 < text.size() &&
                         absl::ascii_isalnum(text[i - 1]) && absl::ascii_isalnum(text[i + 1]);
    if (!in_word && absl::string_view("\\`*_[]<>|~&#").find(c) != absl::string_view::npos) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

// A Markdown table; `right` says which columns hold figures (right-aligned). Cells are escaped.
std::string MdTable(const TextTable& table, const std::vector<bool>& right = {}) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const std::string& cell : cells) absl::StrAppend(&out, " ", Md(cell), " |");
    return absl::StrCat(out, "\n");
  };
  std::string out = line(table.header);
  out += "|";
  for (size_t i = 0; i < table.header.size(); ++i) {
    const bool figure = i < right.size() ? right[i] : i > 0;
    out += figure ? " ---: |" : " --- |";
  }
  out += "\n";
  for (const auto& row : table.rows) out += line(row);
  return out;
}

std::string MdFigures(const std::vector<Figure>& figures) {
  TextTable table{{"statistic", "value"}, {}};
  for (const Figure& figure : figures) table.rows.push_back({figure.label, figure.value});
  return MdTable(table);
}

std::string MdShares(const v1::QuestionSummary& question) {
  const std::vector<Share> shares = QuestionShares(question);
  if (shares.empty()) return "";
  std::string first = "answer";
  if (question.has_choice() || question.has_quiz()) first = "option";
  if (question.has_free_text()) first = "theme";
  TextTable table{{first, "count", SharesDenominator(question)}, {}};
  for (const Share& share : shares) {
    table.rows.push_back({share.highlighted ? absl::StrCat(share.label, " (correct)") : share.label,
                          absl::StrCat(share.count), FormatPercent(share.percent)});
  }
  return MdTable(table);
}

std::string MdList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) absl::StrAppend(&out, "- ", Md(item), "\n");
  return out;
}

std::string MdHighlights(const google::protobuf::RepeatedPtrField<std::string>& highlights) {
  if (highlights.empty()) return "";
  return absl::StrCat("## Highlights\n\n", MdList({highlights.begin(), highlights.end()}), "\n");
}

std::string SurveyMarkdown(const v1::SummarizeSurveyResponse& summary) {
  std::string out =
      absl::StrCat("# ", Md(summary.title().empty() ? "Survey report" : summary.title()), "\n\n");
  std::vector<std::string> about;
  const std::string kind = internal::SurveyKindName(summary.kind());
  if (!kind.empty()) about.push_back(internal::KindName(kind));
  if (summary.anonymous()) about.push_back("anonymous");
  about.push_back(absl::StrCat("survey ", summary.survey_id()));
  if (!summary.event_id().empty()) about.push_back(absl::StrCat("event ", summary.event_id()));
  absl::StrAppend(&out, Md(absl::StrJoin(about, " · ")), "\n\n**", Md(ResponseLine(summary)),
                  ".**\n\n");
  out += MdHighlights(summary.highlights());

  absl::StrAppend(&out, "## Results by question\n\n");
  for (int i = 0; i < summary.questions_size(); ++i) {
    const v1::QuestionSummary& question = summary.questions(i);
    absl::StrAppend(&out, "### ", i + 1, ". ", Md(question.text()), "\n\n*",
                    Md(internal::KindName(question.kind())), ", question ", Md(question.key()),
                    "*\n\n");
    if (question.suppressed()) {
      absl::StrAppend(&out, Md(WithheldSentence(SuppressedQuestionText(question))), "\n\n");
      continue;
    }
    absl::StrAppend(&out, MdFigures(QuestionFigures(question)), "\n");
    const std::string shares = MdShares(question);
    if (!shares.empty()) absl::StrAppend(&out, shares, "\n");
    if (question.has_free_text() && question.free_text().uncoded_answers_size() > 0) {
      absl::StrAppend(&out, "Answers without a theme (",
                      question.free_text().uncoded_answers_size(), "):\n\n");
      for (const std::string& answer : question.free_text().uncoded_answers()) {
        absl::StrAppend(&out, "- “", Md(answer), "”\n");
      }
      out += "\n";
    }
  }

  if (summary.score_suppressed()) {
    absl::StrAppend(&out, "## Quiz score (out of ", summary.max_score(), ")\n\n",
                    Md(WithheldSentence(SuppressedScoreText(summary.min_cell_size()))), "\n\n");
  } else if (summary.has_score() && (summary.max_score() > 0 || summary.score().answered() > 0)) {
    absl::StrAppend(&out, "## Quiz score (out of ", summary.max_score(), ")\n\n",
                    MdFigures(ScoreFigures(summary.score(), summary.max_score())), "\n");
    if (summary.score().distribution_size() > 0) {
      TextTable table{{"score", "count", "% of scores"}, {}};
      for (const v1::ValueCount& value : summary.score().distribution()) {
        table.rows.push_back({FormatShort(value.value()), absl::StrCat(value.count()),
                              FormatPercent(value.percent())});
      }
      absl::StrAppend(&out, MdTable(table), "\n");
    }
  }

  if (!summary.by().empty()) {
    const std::vector<std::string> by(summary.by().begin(), summary.by().end());
    absl::StrAppend(&out, "## Breakdown by ", Md(internal::JoinDimensions(by)), "\n\n");
    if (summary.anonymous()) {
      absl::StrAppend(&out, Md(internal::SuppressionNote(summary.min_cell_size())), "\n\n");
    }
    std::vector<bool> right(by.size(), false);
    for (int i = 0; i < summary.questions_size(); ++i) {
      const TextTable table = BreakdownTable(summary, i);
      if (table.rows.empty()) continue;
      std::vector<bool> align = right;
      align.resize(table.header.size(), true);
      absl::StrAppend(&out, "### ", i + 1, ". ", Md(summary.questions(i).text()), "\n\n",
                      MdTable(table, align), "\n");
    }
    if (summary.has_score() && summary.max_score() > 0) {
      const TextTable table = ScoreBreakdownTable(summary);
      std::vector<bool> align = right;
      align.resize(table.header.size(), true);
      absl::StrAppend(&out, "### Quiz score (out of ", summary.max_score(), ")\n\n",
                      MdTable(table, align), "\n");
    }
  }

  absl::StrAppend(&out, "## About the figures\n\n", MdList(internal::MethodNotes(summary)));
  return out;
}

std::string PrePostMarkdown(const v1::ComparePrePostResponse& comparison) {
  std::string out = absl::StrCat("# Learning gain: pre-test ", Md(comparison.pre_survey_id()),
                                 ", post-test ", Md(comparison.post_survey_id()), "\n\n");
  absl::StrAppend(&out, "**", comparison.pairs(), comparison.pairs() == 1 ? " person" : " people",
                  " answered both tests**; ", comparison.unpaired_pre(),
                  " answered only the pre-test, ", comparison.unpaired_post(),
                  " only the post-test.\n\n");
  out += MdHighlights(comparison.highlights());
  absl::StrAppend(&out, "## Scores\n\n", MdFigures(PrePostFigures(comparison)), "\n");
  if (!comparison.items().empty()) {
    TextTable items{{"item", "question", "% correct before", "% correct after", "change"}, {}};
    for (const v1::PrePostItem& item : comparison.items()) {
      if (item.suppressed()) {
        items.rows.push_back(
            {item.key(), item.text(), SuppressedPrePostText(item.suppressed_reason()), "", ""});
        continue;
      }
      const auto pre = Opt(item.has_percent_correct_pre(), item.percent_correct_pre());
      const auto post = Opt(item.has_percent_correct_post(), item.percent_correct_post());
      std::optional<double> change;
      if (pre && post) change = *post - *pre;
      items.rows.push_back(
          {item.key(), item.text(), FormatPercent(pre), FormatPercent(post),
           change ? absl::StrCat(FormatSigned(change, 1), " points") : std::string(kAbsent)});
    }
    absl::StrAppend(&out, "## Quiz items\n\n", MdTable(items, {false, false, true, true, true}),
                    "\n");
  }
  const std::vector<std::string> notes = internal::PrePostNotes(
      comparison, "Per item, % correct is of the answers given to that item in each test.");
  absl::StrAppend(&out, "## About the figures\n\n", MdList(notes));
  return out;
}

std::string MdCounts(absl::string_view heading, absl::string_view column,
                     absl::string_view denominator,
                     const google::protobuf::RepeatedPtrField<v1::AttributeCount>& counts) {
  if (counts.empty()) return "";
  TextTable table{{std::string(column), "count", absl::StrCat("% of ", denominator)}, {}};
  for (const v1::AttributeCount& count : counts) {
    table.rows.push_back({internal::AttributeValue(count.value()), absl::StrCat(count.count()),
                          FormatPercent(count.percent())});
  }
  return absl::StrCat("### ", heading, "\n\n", MdTable(table), "\n");
}

std::string ParticipationMarkdown(const v1::SummarizeParticipationResponse& participation) {
  std::string out = absl::StrCat(
      "# Participation: ",
      Md(participation.title().empty() ? participation.event_id() : participation.title()), "\n\n",
      "Event ", Md(participation.event_id()), ". **", participation.registered(),
      " registered.**\n\n");
  for (const std::string& warning : participation.warnings()) {
    absl::StrAppend(&out, "> Note: ", Md(warning), "\n\n");
  }
  absl::StrAppend(&out, "## Registration\n\n",
                  MdCounts("By status", "status", "registered", participation.by_status()));
  absl::StrAppend(&out, "## Confirmed participants\n\n",
                  MdCounts("By gender", "gender", "confirmed", participation.by_gender()),
                  MdCounts("By sector", "sector", "confirmed", participation.by_sector()),
                  MdCounts("By country", "country", "confirmed", participation.by_country()),
                  MdCounts("By role", "role", "confirmed", participation.by_role()));
  if (!participation.attendance().empty()) {
    TextTable table{{"day", "checked in", "by gender"}, {}};
    for (const v1::DayAttendance& day : participation.attendance()) {
      std::vector<std::string> genders;
      for (const v1::AttributeCount& count : day.by_gender()) {
        genders.push_back(absl::StrCat(internal::AttributeValue(count.value()), " ", count.count(),
                                       " (", FormatPercent(count.percent()), ")"));
      }
      table.rows.push_back({day.day(), absl::StrCat(day.checked_in()),
                            genders.empty() ? std::string(kAbsent) : absl::StrJoin(genders, ", ")});
    }
    absl::StrAppend(&out, "## Attendance\n\n", MdTable(table, {false, true, false}), "\n");
  }
  absl::StrAppend(&out, "## Speakers and chairs\n\n", participation.speakers(),
                  " distinct chairs and speakers on the agenda.\n\n",
                  MdCounts("By gender", "gender", "speakers", participation.speakers_by_gender()));
  return out;
}

std::string CompareMarkdown(const v1::CompareEventsResponse& comparison) {
  std::string out =
      absl::StrCat("# Question ", Md(comparison.question_key()), " across events\n\n");
  for (const v1::EventQuestion& event : comparison.events()) {
    if (event.has_question()) {
      absl::StrAppend(&out, "“", Md(event.question().text()), "” (",
                      Md(internal::KindName(event.question().kind())), ")\n\n");
      break;
    }
  }
  const TextTable table = CompareEventsTable(comparison);
  std::vector<bool> align = {false, false, false, true};
  align.resize(table.header.size(), true);
  absl::StrAppend(&out, MdTable(table, align), "\n");
  absl::StrAppend(&out,
                  "Each event's figures come from its latest survey that asks the question; "
                  "percentages are of that survey's answers or respondents.\n");
  return out;
}

// --- CSV ----------------------------------------------------------------------------------------

using CsvFigures = std::vector<std::pair<std::string, std::string>>;

void AppendScaleCsv(const v1::ScaleStatistics& scale, bool likert, bool nps, CsvFigures& out) {
  out.insert(out.end(),
             {{"n", absl::StrCat(scale.answered())},
              {"mean", CsvNumber(Opt(scale.has_mean(), scale.mean()))},
              {"sd", CsvNumber(Opt(scale.has_standard_deviation(), scale.standard_deviation()))},
              {"median", CsvNumber(Opt(scale.has_median(), scale.median()))},
              {"q1_inclusive", CsvNumber(Opt(scale.has_first_quartile(), scale.first_quartile()))},
              {"q3_inclusive", CsvNumber(Opt(scale.has_third_quartile(), scale.third_quartile()))},
              {"min", CsvNumber(Opt(scale.has_min(), scale.min()))},
              {"max", CsvNumber(Opt(scale.has_max(), scale.max()))},
              {"ci95_low", CsvNumber(Opt(scale.has_mean_ci_low(), scale.mean_ci_low()))},
              {"ci95_high", CsvNumber(Opt(scale.has_mean_ci_high(), scale.mean_ci_high()))}});
  if (likert || scale.has_top_two_box_percent()) {
    out.push_back({"top_two_box_percent",
                   CsvNumber(Opt(scale.has_top_two_box_percent(), scale.top_two_box_percent()))});
  }
  if (nps || scale.has_net_promoter_score()) {
    out.push_back({"net_promoter_score",
                   CsvNumber(Opt(scale.has_net_promoter_score(), scale.net_promoter_score()))});
  }
  for (const v1::ValueCount& value : scale.distribution()) {
    const std::string v = CsvNumber(value.value());
    out.push_back({absl::StrCat("count[", v, "]"), absl::StrCat(value.count())});
    out.push_back({absl::StrCat("percent[", v, "]"), CsvNumber(value.percent())});
  }
}

void AppendOptionsCsv(const google::protobuf::RepeatedPtrField<v1::OptionCount>& options,
                      CsvFigures& out) {
  for (const v1::OptionCount& option : options) {
    out.push_back({absl::StrCat("count[", option.key(), "]"), absl::StrCat(option.count())});
    out.push_back({absl::StrCat("percent[", option.key(), "]"), CsvNumber(option.percent())});
  }
}

// The figures of one question as (figure, value) pairs; `answers` adds the uncoded free-text
// answers (overall summaries only).
CsvFigures QuestionCsv(const v1::QuestionSummary& question, bool answers) {
  if (question.suppressed()) return {{"suppressed", question.suppressed_reason()}};
  CsvFigures out;
  switch (question.statistics_case()) {
    case v1::QuestionSummary::kScale:
      AppendScaleCsv(question.scale(), question.kind() == "likert", internal::IsNpsScale(question),
                     out);
      out.insert(out.begin() + 1, {"missing", absl::StrCat(question.missing())});
      break;
    case v1::QuestionSummary::kChoice:
      out = {{"respondents", absl::StrCat(question.choice().respondents())},
             {"missing", absl::StrCat(question.missing())},
             {"selections", absl::StrCat(question.choice().selections())}};
      AppendOptionsCsv(question.choice().options(), out);
      break;
    case v1::QuestionSummary::kFreeText: {
      const v1::TextStatistics& text = question.free_text();
      out = {{"answered", absl::StrCat(text.answered())},
             {"missing", absl::StrCat(question.missing())},
             {"uncoded", absl::StrCat(text.uncoded_count())}};
      for (const v1::ThemeCount& theme : text.themes()) {
        out.push_back({absl::StrCat("count[", theme.code(), "]"), absl::StrCat(theme.count())});
        out.push_back({absl::StrCat("percent[", theme.code(), "]"), CsvNumber(theme.percent())});
      }
      if (answers) {
        for (const std::string& answer : text.uncoded_answers()) {
          out.push_back({"uncoded_answer", answer});
        }
      }
      break;
    }
    case v1::QuestionSummary::kQuiz: {
      const v1::QuizItemStatistics& quiz = question.quiz();
      out = {
          {"answered", absl::StrCat(quiz.answered())},
          {"missing", absl::StrCat(question.missing())},
          {"correct", absl::StrCat(quiz.correct())},
          {"percent_correct", CsvNumber(Opt(quiz.has_percent_correct(), quiz.percent_correct()))},
          {"correct_option", quiz.correct_option()}};
      AppendOptionsCsv(quiz.options(), out);
      break;
    }
    case v1::QuestionSummary::STATISTICS_NOT_SET:
      out = {{"missing", absl::StrCat(question.missing())}};
      break;
  }
  return out;
}

std::string SurveyCsv(const v1::SummarizeSurveyResponse& summary) {
  const std::vector<std::string> by(summary.by().begin(), summary.by().end());
  std::vector<std::string> header = {"question", "figure"};
  header.insert(header.end(), by.begin(), by.end());
  header.push_back("value");
  std::string out = CsvLine(header);
  // The overall rows carry "(all)" in every dimension.
  const std::vector<std::string> all(by.size(), "(all)");
  auto row = [&](const std::string& question, const std::string& figure,
                 const std::vector<std::string>& cell, const std::string& value) {
    std::vector<std::string> fields = {question, figure};
    fields.insert(fields.end(), cell.begin(), cell.end());
    fields.push_back(value);
    out += CsvLine(fields);
  };
  row("(survey)", "responses", all, absl::StrCat(summary.response_count()));
  row("(survey)", "tokens_issued", all, absl::StrCat(summary.token_count()));
  row("(survey)", "checked_in", all, absl::StrCat(summary.checked_in_count()));
  row("(survey)", "response_rate_tokens_percent", all,
      CsvNumber(Opt(summary.has_response_rate_tokens(), summary.response_rate_tokens())));
  row("(survey)", "response_rate_checked_in_percent", all,
      CsvNumber(Opt(summary.has_response_rate_checked_in(), summary.response_rate_checked_in())));
  for (const v1::QuestionSummary& question : summary.questions()) {
    for (const auto& [figure, value] : QuestionCsv(question, /*answers=*/true)) {
      row(question.key(), figure, all, value);
    }
  }
  const bool has_score = summary.has_score() && summary.max_score() > 0;
  if (summary.score_suppressed()) {
    row("(quiz score)", "max_score", all, absl::StrCat(summary.max_score()));
    row("(quiz score)", "suppressed", all,
        absl::StrCat("fewer than ", summary.min_cell_size(), " responses"));
  }
  if (has_score) {
    row("(quiz score)", "max_score", all, absl::StrCat(summary.max_score()));
    CsvFigures score;
    AppendScaleCsv(summary.score(), false, false, score);
    for (const auto& [figure, value] : score) row("(quiz score)", figure, all, value);
  }
  for (const v1::BreakdownCell& cell : summary.cells()) {
    std::vector<std::string> values;
    for (int i = 0; i < static_cast<int>(by.size()); ++i) {
      values.push_back(internal::AttributeValue(i < cell.values_size() ? cell.values(i) : ""));
    }
    if (cell.suppressed()) {
      row("(survey)", "respondents", values, SuppressedText(cell, summary.min_cell_size()));
      continue;
    }
    row("(survey)", "respondents", values, absl::StrCat(cell.respondents()));
    for (const v1::QuestionSummary& overall : summary.questions()) {
      const v1::QuestionSummary* question = internal::FindQuestion(cell, overall.key());
      if (question == nullptr) continue;
      for (const auto& [figure, value] : QuestionCsv(*question, /*answers=*/false)) {
        row(overall.key(), figure, values, value);
      }
    }
    if (has_score && cell.has_score()) {
      CsvFigures score;
      AppendScaleCsv(cell.score(), false, false, score);
      for (const auto& [figure, value] : score) row("(quiz score)", figure, values, value);
    }
  }
  return out;
}

std::string PrePostCsv(const v1::ComparePrePostResponse& c) {
  std::string out = CsvLine({"question", "figure", "value"});
  const std::vector<std::pair<std::string, std::string>> counts = {
      {"pre_survey_id", c.pre_survey_id()},
      {"post_survey_id", c.post_survey_id()},
      {"pairs", absl::StrCat(c.pairs())},
      {"unpaired_pre", absl::StrCat(c.unpaired_pre())},
      {"unpaired_post", absl::StrCat(c.unpaired_post())},
      {"max_score", absl::StrCat(c.max_score())},
  };
  for (const auto& [figure, value] : counts) out += CsvLine({"(test)", figure, value});
  if (c.suppressed()) out += CsvLine({"(test)", "suppressed", c.suppressed_reason()});
  const std::vector<std::pair<std::string, std::string>> figures = {
      {"mean_pre", CsvNumber(Opt(c.has_mean_pre(), c.mean_pre()))},
      {"mean_post", CsvNumber(Opt(c.has_mean_post(), c.mean_post()))},
      {"mean_gain", CsvNumber(Opt(c.has_mean_gain(), c.mean_gain()))},
      {"gain_ci95_low", CsvNumber(Opt(c.has_gain_ci_low(), c.gain_ci_low()))},
      {"gain_ci95_high", CsvNumber(Opt(c.has_gain_ci_high(), c.gain_ci_high()))},
      {"normalized_gain", CsvNumber(Opt(c.has_normalized_gain(), c.normalized_gain()))},
      {"wilcoxon_p_value", CsvNumber(Opt(c.has_wilcoxon_p_value(), c.wilcoxon_p_value()))},
  };
  // Withheld (anonymous tests): the counts and the reason, no figure.
  if (!c.suppressed()) {
    for (const auto& [figure, value] : figures) out += CsvLine({"(test)", figure, value});
  }
  for (const v1::PrePostItem& item : c.items()) {
    if (item.suppressed()) {
      out += CsvLine({item.key(), "suppressed", item.suppressed_reason()});
      continue;
    }
    out += CsvLine({item.key(), "percent_correct_pre",
                    CsvNumber(Opt(item.has_percent_correct_pre(), item.percent_correct_pre()))});
    out += CsvLine({item.key(), "percent_correct_post",
                    CsvNumber(Opt(item.has_percent_correct_post(), item.percent_correct_post()))});
  }
  return out;
}

std::string ParticipationCsv(const v1::SummarizeParticipationResponse& p) {
  std::string out = CsvLine({"table", "value", "count", "percent"});
  out += CsvLine({"registered", "", absl::StrCat(p.registered()), ""});
  auto counts = [&](const std::string& table,
                    const google::protobuf::RepeatedPtrField<v1::AttributeCount>& list) {
    for (const v1::AttributeCount& count : list) {
      out += CsvLine({table, internal::AttributeValue(count.value()), absl::StrCat(count.count()),
                      CsvNumber(count.percent())});
    }
  };
  counts("status", p.by_status());
  counts("country", p.by_country());
  counts("sector", p.by_sector());
  counts("gender", p.by_gender());
  counts("role", p.by_role());
  for (const v1::DayAttendance& day : p.attendance()) {
    out += CsvLine({"checked_in", day.day(), absl::StrCat(day.checked_in()), ""});
    counts(absl::StrCat("checked_in ", day.day(), " gender"), day.by_gender());
  }
  out += CsvLine({"speakers", "", absl::StrCat(p.speakers()), ""});
  counts("speakers gender", p.speakers_by_gender());
  for (const std::string& warning : p.warnings()) out += CsvLine({"warning", warning, "", ""});
  return out;
}

std::string CompareCsv(const v1::CompareEventsResponse& comparison) {
  std::string out = CsvLine({"event", "question", "figure", "value"});
  for (const v1::EventQuestion& event : comparison.events()) {
    auto row = [&](const std::string& figure, const std::string& value) {
      out += CsvLine({event.event_id(), comparison.question_key(), figure, value});
    };
    row("event_title", event.event_title());
    row("start_date", event.start_date());
    row("survey_id", event.survey_id());
    row("survey_kind", internal::SurveyKindName(event.survey_kind()));
    row("responses", absl::StrCat(event.response_count()));
    if (event.has_question()) {
      for (const auto& [figure, value] : QuestionCsv(event.question(), /*answers=*/false)) {
        row(figure, value);
      }
    }
  }
  return out;
}

// --- Headline figures (breakdowns and comparisons) ----------------------------------------------

std::string TopThemes(const v1::TextStatistics& text) {
  std::vector<std::string> themes;
  for (const v1::ThemeCount& theme : text.themes()) {
    if (themes.size() == 3) break;
    themes.push_back(absl::StrCat(theme.code(), " ", FormatPercent(theme.percent())));
  }
  return themes.empty() ? std::string(kAbsent) : absl::StrJoin(themes, "; ");
}

}  // namespace

// --- Public pieces ------------------------------------------------------------------------------

std::string FormatFixed(std::optional<double> value, int decimals) {
  if (!value || !std::isfinite(*value)) return std::string(kAbsent);
  std::string text = absl::StrFormat("%.*f", decimals, *value);
  // "-0.00" is 0.
  if (text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

std::string FormatShort(std::optional<double> value) {
  std::string text = FormatFixed(value, 2);
  if (!value || text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string FormatPercent(std::optional<double> percent) {
  if (!percent) return std::string(kAbsent);
  return absl::StrCat(FormatFixed(percent, 1), "%");
}

std::vector<Figure> ScoreFigures(const v1::ScaleStatistics& score, int max_score) {
  std::vector<Figure> figures = {
      {"scores (n)", absl::StrCat(score.answered())},
      {"maximum score", absl::StrCat(max_score)},
      {"mean", FormatFixed(Opt(score.has_mean(), score.mean()))},
      {"standard deviation (sample)",
       FormatFixed(Opt(score.has_standard_deviation(), score.standard_deviation()))},
      {"95% CI of the mean",
       FormatInterval(Opt(score.has_mean_ci_low(), score.mean_ci_low()),
                      Opt(score.has_mean_ci_high(), score.mean_ci_high()), 2)},
      {"median", FormatShort(Opt(score.has_median(), score.median()))},
      {"Q1 / Q3 (inclusive method)",
       absl::StrCat(FormatShort(Opt(score.has_first_quartile(), score.first_quartile())), " / ",
                    FormatShort(Opt(score.has_third_quartile(), score.third_quartile())))},
      {"min / max", absl::StrCat(FormatShort(Opt(score.has_min(), score.min())), " / ",
                                 FormatShort(Opt(score.has_max(), score.max())))},
  };
  return figures;
}

std::vector<Figure> PrePostFigures(const v1::ComparePrePostResponse& c) {
  if (c.suppressed()) {
    return {{"pairs", absl::StrCat(c.pairs())},
            {"maximum score", absl::StrCat(c.max_score())},
            {"figures", SuppressedPrePostText(c.suppressed_reason())}};
  }
  return {
      {"pairs", absl::StrCat(c.pairs())},
      {"maximum score", absl::StrCat(c.max_score())},
      {"mean pre-test score", FormatFixed(Opt(c.has_mean_pre(), c.mean_pre()))},
      {"mean post-test score", FormatFixed(Opt(c.has_mean_post(), c.mean_post()))},
      {"mean gain", FormatSigned(Opt(c.has_mean_gain(), c.mean_gain()), 2)},
      {"95% CI of the mean gain", FormatInterval(Opt(c.has_gain_ci_low(), c.gain_ci_low()),
                                                 Opt(c.has_gain_ci_high(), c.gain_ci_high()), 2)},
      {"normalised gain (Hake)", FormatFixed(Opt(c.has_normalized_gain(), c.normalized_gain()))},
      {"Wilcoxon signed-rank p (two-sided)",
       FormatPValue(Opt(c.has_wilcoxon_p_value(), c.wilcoxon_p_value()))},
  };
}

std::vector<Figure> QuestionFigures(const v1::QuestionSummary& question) {
  if (question.suppressed()) return {{"figures", SuppressedQuestionText(question)}};
  std::vector<Figure> figures;
  const std::string missing = absl::StrCat(question.missing());
  switch (question.statistics_case()) {
    case v1::QuestionSummary::kScale: {
      const v1::ScaleStatistics& s = question.scale();
      figures = ScoreFigures(s, 0);
      figures[0] = {"answers (n)", absl::StrCat(s.answered())};
      figures[1] = {"missing", missing};
      if (question.kind() == "likert" || s.has_top_two_box_percent()) {
        figures.push_back(
            {"top-two-box (top two points)",
             FormatPercent(Opt(s.has_top_two_box_percent(), s.top_two_box_percent()))});
      }
      if (internal::IsNpsScale(question)) {
        figures.push_back(
            {"net promoter score",
             FormatSigned(Opt(s.has_net_promoter_score(), s.net_promoter_score()), 1)});
      }
      break;
    }
    case v1::QuestionSummary::kChoice: {
      const v1::ChoiceStatistics& c = question.choice();
      figures = {{"respondents who answered", absl::StrCat(c.respondents())}, {"missing", missing}};
      if (question.kind() == "multiple-choice") {
        figures.push_back({"options ticked in total", absl::StrCat(c.selections())});
        figures.push_back(
            {"options per respondent",
             FormatFixed(
                 c.respondents() > 0
                     ? std::optional<double>(static_cast<double>(c.selections()) / c.respondents())
                     : std::nullopt,
                 1)});
      }
      break;
    }
    case v1::QuestionSummary::kFreeText: {
      const v1::TextStatistics& t = question.free_text();
      figures = {{"answers", absl::StrCat(t.answered())},
                 {"missing", missing},
                 {"themes", absl::StrCat(t.themes_size())},
                 {"answers without a theme", absl::StrCat(t.uncoded_count())}};
      break;
    }
    case v1::QuestionSummary::kQuiz: {
      const v1::QuizItemStatistics& q = question.quiz();
      std::string correct_option = q.correct_option();
      for (const v1::OptionCount& option : q.options()) {
        if (option.key() == q.correct_option() && !option.label().empty()) {
          correct_option = option.label();
        }
      }
      figures = {
          {"answers", absl::StrCat(q.answered())},
          {"missing", missing},
          {"correct", absl::StrCat(q.correct())},
          {"% correct", FormatPercent(Opt(q.has_percent_correct(), q.percent_correct()))},
          {"correct option", correct_option.empty() ? std::string(kAbsent) : correct_option}};
      break;
    }
    case v1::QuestionSummary::STATISTICS_NOT_SET:
      figures = {{"missing", missing}};
      break;
  }
  return figures;
}

std::vector<Share> QuestionShares(const v1::QuestionSummary& question) {
  std::vector<Share> shares;
  auto options = [&](const google::protobuf::RepeatedPtrField<v1::OptionCount>& list) {
    for (const v1::OptionCount& option : list) {
      shares.push_back({option.label().empty() ? option.key() : option.label(), option.count(),
                        option.percent(), internal::IsCorrectOption(question, option.key())});
    }
  };
  switch (question.statistics_case()) {
    case v1::QuestionSummary::kScale: {
      // A number question's scale can be long (hours a week, 0 to 80): then only the values given.
      const bool given_only = question.kind() == "number" &&
                              question.scale().distribution_size() > kMaxNumberValuesListed;
      for (const v1::ValueCount& value : question.scale().distribution()) {
        if (given_only && value.count() == 0) continue;
        shares.push_back({ValueLabel(value), value.count(), value.percent()});
      }
      break;
    }
    case v1::QuestionSummary::kChoice:
      options(question.choice().options());
      break;
    case v1::QuestionSummary::kFreeText:
      for (const v1::ThemeCount& theme : question.free_text().themes()) {
        shares.push_back({theme.code(), theme.count(), theme.percent()});
      }
      break;
    case v1::QuestionSummary::kQuiz:
      options(question.quiz().options());
      break;
    case v1::QuestionSummary::STATISTICS_NOT_SET:
      break;
  }
  // A share of nothing is undefined, not 0%.
  bool any = false;
  for (const Share& share : shares) any = any || share.count > 0;
  if (!any) {
    int denominator = 0;
    if (question.has_scale()) denominator = question.scale().answered();
    if (question.has_choice()) denominator = question.choice().respondents();
    if (question.has_free_text()) denominator = question.free_text().answered();
    if (question.has_quiz()) denominator = question.quiz().answered();
    if (denominator == 0) {
      for (Share& share : shares) share.percent.reset();
    }
  }
  return shares;
}

std::string SharesDenominator(const v1::QuestionSummary& question) {
  auto of = [](int n, absl::string_view one, absl::string_view many) {
    return absl::StrCat("% of ", n, " ", n == 1 ? one : many);
  };
  switch (question.statistics_case()) {
    case v1::QuestionSummary::kScale:
      return of(question.scale().answered(), "answer", "answers");
    case v1::QuestionSummary::kChoice:
      return of(question.choice().respondents(), "respondent", "respondents");
    case v1::QuestionSummary::kFreeText:
      return of(question.free_text().answered(), "respondent", "respondents");
    case v1::QuestionSummary::kQuiz:
      return of(question.quiz().answered(), "answer", "answers");
    case v1::QuestionSummary::STATISTICS_NOT_SET:
      break;
  }
  return "%";
}

std::string ResponseLine(const v1::SummarizeSurveyResponse& summary) {
  std::string line = absl::StrCat(summary.response_count(),
                                  summary.response_count() == 1 ? " response" : " responses");
  if (summary.token_count() > 0) {
    absl::StrAppend(
        &line, "; ",
        FormatPercent(Opt(summary.has_response_rate_tokens(), summary.response_rate_tokens())),
        " of ", summary.token_count(), summary.token_count() == 1 ? " token" : " tokens",
        " issued");
  }
  if (summary.checked_in_count() > 0) {
    absl::StrAppend(&line, "; ",
                    FormatPercent(Opt(summary.has_response_rate_checked_in(),
                                      summary.response_rate_checked_in())),
                    " of ", summary.checked_in_count(),
                    summary.checked_in_count() == 1 ? " participant" : " participants",
                    " checked in");
  }
  return line;
}

std::string SuppressedQuestionText(const v1::QuestionSummary& question) {
  return absl::StrCat(
      "suppressed (",
      question.suppressed_reason().empty() ? "anonymous survey" : question.suppressed_reason(),
      ")");
}

std::string SuppressedPrePostText(absl::string_view reason) {
  return absl::StrCat("suppressed (", reason.empty() ? "anonymous tests" : reason, ")");
}

std::string SuppressedScoreText(int min_cell_size) {
  return absl::StrCat("suppressed (fewer than ", min_cell_size, " responses)");
}

std::string WithheldSentence(absl::string_view suppressed_text) {
  return absl::StrCat("No figures: ", suppressed_text, ", as the survey is anonymous.");
}

std::string SuppressedText(const v1::BreakdownCell& cell, int min_cell_size) {
  if (cell.respondents() >= min_cell_size && min_cell_size > 0) {
    return "suppressed (complementary)";
  }
  return absl::StrCat("suppressed (< ", min_cell_size, ")");
}

TextTable BreakdownTable(const v1::SummarizeSurveyResponse& summary, int question_index,
                         bool option_keys) {
  TextTable table;
  const v1::QuestionSummary& shape = summary.questions(question_index);
  table.header.assign(summary.by().begin(), summary.by().end());
  table.header.push_back("respondents");
  for (std::string& h : internal::HeadlineHeader(shape, option_keys)) {
    table.header.push_back(std::move(h));
  }
  // Withheld overall, it is withheld in every cell.
  if (shape.suppressed()) return table;
  // A question no cell has figures for (while some cell shows figures) has no breakdown.
  bool shown = false, asked = false;
  for (const v1::BreakdownCell& cell : summary.cells()) {
    shown = shown || !cell.suppressed();
    asked = asked || (!cell.suppressed() && internal::FindQuestion(cell, shape.key()) != nullptr);
  }
  if (shown && !asked) return table;
  for (const v1::BreakdownCell& cell : summary.cells()) {
    std::vector<std::string> row;
    for (int i = 0; i < summary.by_size(); ++i) {
      row.push_back(internal::AttributeValue(i < cell.values_size() ? cell.values(i) : ""));
    }
    if (cell.suppressed()) {
      row.push_back(SuppressedText(cell, summary.min_cell_size()));
      row.resize(table.header.size());
    } else {
      row.push_back(absl::StrCat(cell.respondents()));
      for (std::string& v :
           internal::HeadlineValues(shape, internal::FindQuestion(cell, shape.key()))) {
        row.push_back(std::move(v));
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

TextTable ScoreBreakdownTable(const v1::SummarizeSurveyResponse& summary) {
  TextTable table;
  table.header.assign(summary.by().begin(), summary.by().end());
  for (const char* h : {"respondents", "n", "mean", "median", "min / max"})
    table.header.push_back(h);
  for (const v1::BreakdownCell& cell : summary.cells()) {
    std::vector<std::string> row;
    for (int i = 0; i < summary.by_size(); ++i) {
      row.push_back(internal::AttributeValue(i < cell.values_size() ? cell.values(i) : ""));
    }
    if (cell.suppressed()) {
      row.push_back(SuppressedText(cell, summary.min_cell_size()));
      row.resize(table.header.size());
    } else {
      const v1::ScaleStatistics& s = cell.score();
      row.push_back(absl::StrCat(cell.respondents()));
      row.push_back(absl::StrCat(s.answered()));
      row.push_back(FormatFixed(Opt(s.has_mean(), s.mean())));
      row.push_back(FormatShort(Opt(s.has_median(), s.median())));
      row.push_back(absl::StrCat(FormatShort(Opt(s.has_min(), s.min())), " / ",
                                 FormatShort(Opt(s.has_max(), s.max()))));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

TextTable CompareEventsTable(const v1::CompareEventsResponse& comparison, bool option_keys) {
  const v1::QuestionSummary* shape = internal::CompareShape(comparison);
  TextTable table{{"event", "start", "survey", "responses"}, {}};
  if (shape != nullptr) {
    for (std::string& h : internal::HeadlineHeader(*shape, option_keys)) {
      table.header.push_back(std::move(h));
    }
  }
  for (const v1::EventQuestion& event : comparison.events()) {
    std::vector<std::string> row = {
        event.event_title().empty() ? event.event_id() : event.event_title(), event.start_date()};
    if (event.survey_id().empty()) {
      row.push_back("no survey asks it");
      row.push_back(std::string(kAbsent));
    } else {
      const std::string kind = internal::SurveyKindName(event.survey_kind());
      row.push_back(kind.empty() ? event.survey_id()
                                 : absl::StrCat(event.survey_id(), " (", kind, ")"));
      row.push_back(absl::StrCat(event.response_count()));
    }
    if (shape != nullptr) {
      for (std::string& v :
           internal::HeadlineValues(*shape, event.has_question() ? &event.question() : nullptr)) {
        row.push_back(std::move(v));
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string RenderReport(const v1::SummarizeSurveyResponse& summary, ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return SurveyMarkdown(summary);
    case ReportFormat::kCsv:
      return SurveyCsv(summary);
    case ReportFormat::kHtml:
      return RenderHtml(summary);
  }
  return "";
}

std::string RenderReport(const v1::ComparePrePostResponse& comparison, ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return PrePostMarkdown(comparison);
    case ReportFormat::kCsv:
      return PrePostCsv(comparison);
    case ReportFormat::kHtml:
      return RenderHtml(comparison);
  }
  return "";
}

std::string RenderReport(const v1::SummarizeParticipationResponse& participation,
                         ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return ParticipationMarkdown(participation);
    case ReportFormat::kCsv:
      return ParticipationCsv(participation);
    case ReportFormat::kHtml:
      return RenderHtml(participation);
  }
  return "";
}

std::string RenderReport(const v1::CompareEventsResponse& comparison, ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return CompareMarkdown(comparison);
    case ReportFormat::kCsv:
      return CompareCsv(comparison);
    case ReportFormat::kHtml:
      return RenderHtml(comparison);
  }
  return "";
}

// --- Internal helpers shared with render_html.cc ------------------------------------------------

namespace internal {

// "+12.5" for a net promoter score or a gain; "0.0" stays unsigned.
std::string FormatSigned(std::optional<double> value, int decimals) {
  std::string text = FormatFixed(value, decimals);
  if (text != kAbsent && text[0] != '-' && text.find_first_not_of("0.") != std::string::npos) {
    text.insert(0, "+");
  }
  return text;
}

// A p-value as every report writes it (statistics.h), or kAbsent.
std::string FormatPValue(std::optional<double> p) {
  if (!p) return std::string(kAbsent);
  return aggregation::FormatPValue(*p);
}

// "3.95 to 4.48", or kAbsent when either end is absent.
std::string FormatInterval(std::optional<double> low, std::optional<double> high, int decimals) {
  if (!low || !high) return std::string(kAbsent);
  return absl::StrCat(FormatFixed(low, decimals), " to ", FormatFixed(high, decimals));
}

std::string KindName(absl::string_view kind) {
  if (kind == "likert") return "Likert";
  if (kind == "rating") return "Rating";
  if (kind == "single-choice") return "Single choice";
  if (kind == "multiple-choice") return "Multiple choice";
  if (kind == "number") return "Number";
  if (kind == "free-text") return "Free text";
  if (kind == "quiz") return "Quiz item";
  if (kind == "evaluation") return "Evaluation";
  if (kind == "pre-test") return "Pre-test";
  if (kind == "post-test") return "Post-test";
  if (kind == "poll") return "Poll";
  return std::string(kind);
}

std::string SurveyKindName(int kind) {
  return EnumDisplay(survey::v1::SurveyKind_descriptor(), kind);
}

std::string AttributeValue(absl::string_view value) {
  return value.empty() ? "(unknown)" : std::string(value);
}

std::string JoinDimensions(const std::vector<std::string>& by) {
  return absl::StrJoin(by, " and ");
}

bool IsNpsScale(const v1::QuestionSummary& question) {
  if (!question.has_scale()) return false;
  const v1::ScaleStatistics& scale = question.scale();
  if (scale.has_net_promoter_score()) return true;
  return question.kind() == "rating" && scale.distribution_size() == 11 &&
         scale.distribution(0).value() == 0 && scale.distribution(10).value() == 10;
}

const v1::QuestionSummary* FindQuestion(const v1::BreakdownCell& cell, absl::string_view key) {
  for (const v1::QuestionSummary& question : cell.questions()) {
    if (question.key() == key) return &question;
  }
  return nullptr;
}

std::vector<std::string> HeadlineHeader(const v1::QuestionSummary& shape, bool option_keys) {
  std::vector<std::string> header = {"n"};
  switch (shape.statistics_case()) {
    case v1::QuestionSummary::kScale:
      if (shape.kind() == "number") {
        header.insert(header.end(), {"mean", "sd", "median"});
      } else {
        header.insert(header.end(), {"mean", "median"});
        if (shape.kind() == "likert") header.push_back("top-two-box");
        if (IsNpsScale(shape)) header.push_back("NPS");
      }
      break;
    case v1::QuestionSummary::kChoice:
      for (const v1::OptionCount& option : shape.choice().options()) {
        header.push_back(option_keys || option.label().empty() ? option.key() : option.label());
      }
      break;
    case v1::QuestionSummary::kFreeText:
      header.push_back("top themes (% of respondents)");
      break;
    case v1::QuestionSummary::kQuiz:
      header.push_back("% correct");
      break;
    case v1::QuestionSummary::STATISTICS_NOT_SET:
      break;
  }
  return header;
}

std::vector<std::string> HeadlineValues(const v1::QuestionSummary& shape,
                                        const v1::QuestionSummary* question) {
  const size_t columns = HeadlineHeader(shape, true).size();
  if (question != nullptr && question->suppressed()) {
    std::vector<std::string> values = {SuppressedQuestionText(*question)};
    values.resize(columns);
    return values;
  }
  if (question == nullptr || question->statistics_case() != shape.statistics_case()) {
    return std::vector<std::string>(columns, std::string(kAbsent));
  }
  std::vector<std::string> values;
  switch (shape.statistics_case()) {
    case v1::QuestionSummary::kScale: {
      const v1::ScaleStatistics& s = question->scale();
      values.push_back(absl::StrCat(s.answered()));
      values.push_back(FormatFixed(Opt(s.has_mean(), s.mean())));
      if (shape.kind() == "number") {
        values.push_back(FormatFixed(Opt(s.has_standard_deviation(), s.standard_deviation())));
      }
      values.push_back(FormatShort(Opt(s.has_median(), s.median())));
      if (shape.kind() == "likert") {
        values.push_back(FormatPercent(Opt(s.has_top_two_box_percent(), s.top_two_box_percent())));
      }
      if (shape.kind() != "number" && IsNpsScale(shape)) {
        values.push_back(FormatSigned(Opt(s.has_net_promoter_score(), s.net_promoter_score()), 1));
      }
      break;
    }
    case v1::QuestionSummary::kChoice: {
      const v1::ChoiceStatistics& c = question->choice();
      values.push_back(absl::StrCat(c.respondents()));
      for (const v1::OptionCount& option : shape.choice().options()) {
        std::optional<double> percent;
        for (const v1::OptionCount& o : c.options()) {
          if (o.key() == option.key() && c.respondents() > 0) percent = o.percent();
        }
        values.push_back(FormatPercent(percent));
      }
      break;
    }
    case v1::QuestionSummary::kFreeText:
      values.push_back(absl::StrCat(question->free_text().answered()));
      values.push_back(TopThemes(question->free_text()));
      break;
    case v1::QuestionSummary::kQuiz:
      values.push_back(absl::StrCat(question->quiz().answered()));
      values.push_back(FormatPercent(
          Opt(question->quiz().has_percent_correct(), question->quiz().percent_correct())));
      break;
    case v1::QuestionSummary::STATISTICS_NOT_SET:
      values.push_back(std::string(kAbsent));
      break;
  }
  values.resize(columns, std::string(kAbsent));
  return values;
}

std::string SuppressionNote(int min_cell_size) {
  return absl::StrCat(
      "The survey is anonymous: a cell with fewer than ", min_cell_size,
      " respondents shows no figures (\"suppressed (< ", min_cell_size,
      ")\"), and neither does any cell that would let such a cell be recomputed from the totals "
      "(\"suppressed (complementary)\").");
}

std::vector<std::string> PrePostNotes(const v1::ComparePrePostResponse& comparison,
                                      const std::string& items_note) {
  std::vector<std::string> notes = {
      "Scores are paired by person: only people who answered both tests count in the means, the "
      "gain and the test.",
      "Normalised gain (Hake): (mean post-test score - mean pre-test score) / (maximum score - "
      "mean pre-test score).",
      "The 95% confidence interval of the mean gain uses Student's t; the p-value is the "
      "two-sided Wilcoxon signed-rank test of the paired scores."};
  if (!items_note.empty()) notes.push_back(items_note);
  if (comparison.min_cell_size() > 0) {
    notes.push_back(PrePostSuppressionNote(comparison.min_cell_size()));
  }
  return notes;
}

std::string PrePostSuppressionNote(int min_cell_size) {
  return absl::StrCat(
      "The tests are anonymous: when at least one but fewer than ", min_cell_size,
      " people took both tests, or only the pre-test, or only the post-test, no score or item "
      "figure is shown (\"suppressed (fewer than ",
      min_cell_size,
      " pairs)\" and the like), since a test's own mean score less the paired mean would "
      "describe those few; an item answered by fewer than ",
      min_cell_size, " in either test shows no figures (\"suppressed (fewer than ", min_cell_size,
      " answers)\").");
}

std::string QuestionSuppressionNote(int min_cell_size) {
  return absl::StrCat(
      "The survey is anonymous: a question's figures are shown only when at least ", min_cell_size,
      " people answered it, in the whole survey as in each breakdown cell (\"suppressed (fewer "
      "than ",
      min_cell_size,
      " answers)\"); a cell's figures that would let such a cell's be recomputed from the totals "
      "are "
      "hidden with them (\"suppressed (complementary)\"). Answers without a theme are listed for "
      "the whole survey only, never per cell.");
}

const v1::QuestionSummary* CompareShape(const v1::CompareEventsResponse& comparison) {
  const v1::QuestionSummary* shape = nullptr;
  for (const v1::EventQuestion& event : comparison.events()) {
    if (!event.has_question()) continue;
    if (!event.question().suppressed()) return &event.question();
    if (shape == nullptr) shape = &event.question();
  }
  return shape;
}

std::vector<std::string> MethodNotes(const v1::SummarizeSurveyResponse& summary) {
  std::vector<std::string> notes = {
      "Every percentage states its denominator: Likert, rating, number and quiz figures are of "
      "the answers given to the question; choice options and themes are of the respondents who "
      "answered it (a respondent may tick several options or carry several themes, so these can "
      "add up to more than 100%).",
      "Mean and standard deviation (sample, n - 1); the 95% confidence interval of the mean uses "
      "Student's t.",
      "Median and quartiles: inclusive method (linear interpolation between order statistics; "
      "Python's statistics.quantiles with method='inclusive', R type 7).",
      "Top-two-box: the share of answers in the two highest points of a Likert scale. Net "
      "promoter score (0 to 10 ratings): % answering 9 or 10 minus % answering 0 to 6.",
      absl::StrCat("A figure that cannot be computed (the mean of no answers, the standard "
                   "deviation of one) is shown as ",
                   kAbsent, ", never as 0."),
  };
  if (summary.anonymous() && !summary.by().empty()) {
    notes.push_back(SuppressionNote(summary.min_cell_size()));
  }
  if (summary.anonymous() && summary.min_cell_size() > 0) {
    notes.push_back(QuestionSuppressionNote(summary.min_cell_size()));
  }
  return notes;
}

std::string HtmlEscape(absl::string_view text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

bool IsCorrectOption(const v1::QuestionSummary& question, absl::string_view key) {
  return question.has_quiz() && !question.quiz().correct_option().empty() &&
         question.quiz().correct_option() == key;
}

}  // namespace internal
}  // namespace convene::aggregation
