#include "services/aggregation/render.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/report_samples.h"
#include "services/aggregation/statistics.h"
#include "services/aggregation/summary.h"
#include "services/common/csv.h"

namespace convene::aggregation {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

int Occurrences(absl::string_view text, absl::string_view needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The text between the n-th (0-based) `open` and the next `close`.
std::string Nth(absl::string_view text, absl::string_view open, absl::string_view close, int n) {
  size_t at = 0;
  for (int i = 0; i <= n; ++i) {
    at = text.find(open, i == 0 ? 0 : at + 1);
    if (at == absl::string_view::npos) return "";
  }
  const size_t end = text.find(close, at);
  return std::string(text.substr(at, end == absl::string_view::npos ? end : end - at));
}

std::vector<std::vector<std::string>> CsvRows(const std::string& csv) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(csv);
  EXPECT_TRUE(records.ok()) << records.status();
  std::vector<std::vector<std::string>> rows;
  if (records.ok()) {
    for (CsvRecord& record : *records) rows.push_back(std::move(record.cells));
  }
  return rows;
}

// A summary with one question of `kind` and the given statistics.
v1::SummarizeSurveyResponse OneQuestion(v1::QuestionSummary question) {
  v1::SummarizeSurveyResponse summary;
  summary.set_survey_id("srv_1");
  summary.set_title("Poll");
  summary.set_response_count(1);
  *summary.add_questions() = std::move(question);
  return summary;
}

TEST(FormatTest, FiguresAndAbsence) {
  EXPECT_EQ(FormatFixed(4.2142857), "4.21");
  EXPECT_EQ(FormatFixed(-0.001), "0.00");
  EXPECT_EQ(FormatFixed(std::nullopt), "–");
  EXPECT_EQ(FormatShort(4.0), "4");
  EXPECT_EQ(FormatShort(3.5), "3.5");
  EXPECT_EQ(FormatShort(4.25), "4.25");
  EXPECT_EQ(FormatPercent(27.380952), "27.4%");
  EXPECT_EQ(FormatPercent(std::nullopt), "–");
}

TEST(RenderTest, ResponseLineStatesEveryDenominator) {
  EXPECT_EQ(ResponseLine(SampleSurveySummary(false)),
            "42 responses; 82.4% of 51 tokens issued; 93.3% of 45 participants checked in");
}

TEST(RenderTest, HtmlEscapesParticipantsText) {
  const std::string html = RenderReport(SampleSurveySummary(true), ReportFormat::kHtml);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;the organisers&#39;)&lt;/script&gt; The "
                              "group work on whistle-blower protection."));
  EXPECT_THAT(html, HasSubstr("the UPR &amp; UNCAC review cycles"));
  // The page has no script element at all, escaped or not.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
}

TEST(RenderTest, HtmlEscapesEveryKindOfText) {
  v1::SummarizeSurveyResponse summary = SampleSurveySummary(true);
  summary.set_title("<b>Title</b>");
  summary.mutable_questions(0)->set_text("Q <img src=x onerror=alert(1)>");
  summary.mutable_questions(3)->mutable_choice()->mutable_options(0)->set_label("<i>option</i>");
  summary.mutable_cells(0)->set_values(0, "\"><svg onload=alert(1)>");
  summary.set_highlights(0, "<a href=\"x\">see</a>");
  const std::string html = RenderReport(summary, ReportFormat::kHtml);
  EXPECT_THAT(html, AllOf(HasSubstr("&lt;b&gt;Title&lt;/b&gt;"),
                          HasSubstr("Q &lt;img src=x onerror=alert(1)&gt;"),
                          HasSubstr("&lt;i&gt;option&lt;/i&gt;"),
                          HasSubstr("&quot;&gt;&lt;svg onload=alert(1)&gt;"),
                          HasSubstr("&lt;a href=&quot;x&quot;&gt;see&lt;/a&gt;")));
  EXPECT_THAT(html, AllOf(Not(HasSubstr("<b>Title")), Not(HasSubstr("<img")), Not(HasSubstr("<i>")),
                          Not(HasSubstr("<svg onload")), Not(HasSubstr("<a "))));
}

TEST(RenderTest, MarkdownEscapesParticipantsText) {
  const std::string md = RenderReport(SampleSurveySummary(false), ReportFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("\\<script\\>alert('the organisers')\\</script\\>"));
  EXPECT_THAT(md, Not(HasSubstr("<script>")));
  // Keys keep their underscores readable; a table cell cannot be split by a "|".
  EXPECT_THAT(md, HasSubstr("question best_session"));
  v1::QuestionSummary q = SampleSurveySummary(false).questions(3);
  q.mutable_choice()->mutable_options(0)->set_label("yes | no\nmaybe");
  EXPECT_THAT(RenderReport(OneQuestion(q), ReportFormat::kMarkdown),
              HasSubstr("| yes \\| no maybe | 11 | 27.5% |"));
}

TEST(RenderTest, CsvNeutralisesFormulas) {
  v1::SummarizeSurveyResponse summary = SampleSurveySummary(true);
  v1::TextStatistics* text = summary.mutable_questions(7)->mutable_free_text();
  text->add_uncoded_answers("+1 more session please");
  text->add_uncoded_answers("@SUM(A1:A9)");
  summary.mutable_cells(0)->set_values(0, "=cmd|' /C calc'!A0");
  const std::string csv = RenderReport(summary, ReportFormat::kCsv);
  const auto rows = CsvRows(csv);
  EXPECT_THAT(rows.front(), ElementsAre("question", "figure", "country", "value"));
  EXPECT_THAT(rows, Contains(ElementsAre("most_useful", "uncoded_answer", "(all)",
                                         "'=HYPERLINK(\"http://attacker.example/x\",\"the UNCAC "
                                         "slides\")")));
  EXPECT_THAT(rows, Contains(ElementsAre("most_useful", "uncoded_answer", "(all)",
                                         "'-- the country roundtable, definitely")));
  EXPECT_THAT(rows, Contains(ElementsAre("most_useful", "uncoded_answer", "(all)",
                                         "'+1 more session please")));
  EXPECT_THAT(rows,
              Contains(ElementsAre("most_useful", "uncoded_answer", "(all)", "'@SUM(A1:A9)")));
  EXPECT_THAT(rows, Contains(ElementsAre("(survey)", "respondents", "'=cmd|' /C calc'!A0", "12")));
  // No cell of the file starts with a formula character, except plain numbers.
  for (const auto& row : rows) {
    for (const std::string& cell : row) {
      if (cell.empty() || std::string("=+-@").find(cell[0]) == std::string::npos) continue;
      double number;
      EXPECT_TRUE(absl::SimpleAtod(cell, &number)) << cell;
    }
  }
}

TEST(RenderTest, CsvKeepsNegativeNumbersAsNumbers) {
  v1::QuestionSummary q;
  q.set_key("recommend");
  q.set_kind("rating");
  *q.mutable_scale() = ScaleFromCounts(0, {3, 2, 1, 1, 0, 0, 1, 0, 1, 0, 1}, {}, false, true);
  const auto rows = CsvRows(RenderReport(OneQuestion(q), ReportFormat::kCsv));
  EXPECT_THAT(rows, Contains(ElementsAre("recommend", "net_promoter_score", "-70")));
}

TEST(RenderTest, SuppressedCellsShowNoFigures) {
  const v1::SummarizeSurveyResponse summary = SampleSurveySummary(true);
  const TextTable table = BreakdownTable(summary, 0);
  EXPECT_THAT(table.header,
              ElementsAre("country", "respondents", "n", "mean", "median", "top-two-box"));
  EXPECT_THAT(table.rows, Contains(ElementsAre("LA", "suppressed (< 5)", "", "", "", "")));
  EXPECT_THAT(table.rows,
              Contains(ElementsAre("KH", "suppressed (complementary)", "", "", "", "")));
  EXPECT_THAT(table.rows, Contains(ElementsAre("MY", "12", "12", "4.42", "4.5", "91.7%")));

  const std::string md = RenderReport(summary, ReportFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("| LA | suppressed (\\< 5) |"));
  EXPECT_THAT(md, HasSubstr("| KH | suppressed (complementary) |"));
  const std::string html = RenderReport(summary, ReportFormat::kHtml);
  EXPECT_THAT(html, HasSubstr("<td>LA</td><td class=\"suppressed\" colspan=\"5\">suppressed "
                              "(&lt; 5)</td>"));

  // In CSV a suppressed cell has one row, saying so, and no figures.
  const auto rows = CsvRows(RenderReport(summary, ReportFormat::kCsv));
  int la_rows = 0;
  for (const auto& row : rows) la_rows += row[2] == "LA";
  EXPECT_EQ(la_rows, 1);
  EXPECT_THAT(rows, Contains(ElementsAre("(survey)", "respondents", "LA", "suppressed (< 5)")));
}

TEST(RenderTest, PValueReadsTheSameInTablesAndSentences) {
  v1::ComparePrePostResponse c = SamplePrePost();
  auto figure = [](const v1::ComparePrePostResponse& r) {
    for (const Figure& f : PrePostFigures(r)) {
      if (f.label == "Wilcoxon signed-rank p (two-sided)") return f.value;
    }
    return std::string("(none)");
  };
  for (const auto& [p, shown] : std::vector<std::pair<double, std::string>>{{0.0000031, "< 0.001"},
                                                                            {0.00099, "< 0.001"},
                                                                            {0.0012, "0.001"},
                                                                            {0.04271, "0.043"},
                                                                            {0.9996, "1.000"}}) {
    SCOPED_TRACE(p);
    c.set_wilcoxon_p_value(p);
    EXPECT_EQ(figure(c), shown);
    EXPECT_EQ(FormatPValue(p), shown);
    // The sentence the service writes for the same comparison says the same.
    const std::vector<std::string> sentences = PrePostHighlights(c);
    ASSERT_FALSE(sentences.empty());
    EXPECT_THAT(sentences[0], HasSubstr(absl::StrCat("Wilcoxon signed-rank p ",
                                                     shown[0] == '<' ? "" : "= ", shown, ")")));
    EXPECT_THAT(RenderReport(c, ReportFormat::kMarkdown),
                HasSubstr(absl::StrCat("| Wilcoxon signed-rank p (two-sided) | ",
                                       shown[0] == '<' ? "\\" : "", shown, " |")));
    EXPECT_THAT(RenderReport(c, ReportFormat::kHtml),
                HasSubstr(absl::StrCat("Wilcoxon signed-rank p (two-sided)</th><td>",
                                       shown[0] == '<' ? "&lt;" : "",
                                       shown[0] == '<' ? shown.substr(1) : shown, "</td>")));
  }
  // Absent, it reads as every absent figure does.
  c.clear_wilcoxon_p_value();
  EXPECT_EQ(figure(c), "–");
}

TEST(RenderTest, WithheldQuestionsShowTheReasonAndNoFigures) {
  // Overall: the free text withheld (3 answers), and the quiz score (3 responses).
  v1::SummarizeSurveyResponse summary = SampleSurveySummary(true);
  v1::QuestionSummary* text = summary.mutable_questions(7);
  *text = WithheldQuestion(*text, "fewer than 5 answers");
  summary.clear_score();
  summary.set_score_suppressed(true);
  const std::string md = RenderReport(summary, ReportFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("*Free text, question most_useful*\n\nNo figures: suppressed (fewer "
                            "than 5 answers), as the survey is anonymous.\n\n### 9."));
  EXPECT_THAT(md, HasSubstr("## Quiz score (out of 1)\n\nNo figures: suppressed (fewer than 5 "
                            "responses), as the survey is anonymous."));
  EXPECT_THAT(md, Not(HasSubstr("HYPERLINK")));  // its answers are gone with the figures
  EXPECT_THAT(md, HasSubstr("a question's figures are shown only when at least 5 people "
                            "answered it"));
  const std::string html = RenderReport(summary, ReportFormat::kHtml);
  const std::string article = Nth(html, "<article class=\"question\"", "</article>", 7);
  EXPECT_THAT(article, HasSubstr("<p class=\"withheld\">No figures: suppressed (fewer than 5 "
                                 "answers), as the survey is anonymous.</p>"));
  EXPECT_THAT(article, AllOf(Not(HasSubstr("<svg")), Not(HasSubstr("missing"))));
  EXPECT_THAT(html, Not(HasSubstr("mean quiz score")));
  const auto rows = CsvRows(RenderReport(summary, ReportFormat::kCsv));
  EXPECT_THAT(rows,
              Contains(ElementsAre("most_useful", "suppressed", "(all)", "fewer than 5 answers")));
  EXPECT_THAT(
      rows, Contains(ElementsAre("(quiz score)", "suppressed", "(all)", "fewer than 5 responses")));
  int text_rows = 0;
  for (const auto& row : rows) text_rows += row[0] == "most_useful" && row[2] == "(all)";
  EXPECT_EQ(text_rows, 1);
  // Withheld overall, the question has no breakdown (every cell's is withheld too).
  EXPECT_TRUE(BreakdownTable(summary, 7).rows.empty());
}

TEST(RenderTest, WithheldCellFiguresSpanTheirColumns) {
  // The sample's free text per country: MY and TH shown, VN withheld as complementary, ID for
  // fewer than 5 answers; KH and LA are suppressed whole.
  const v1::SummarizeSurveyResponse summary = SampleSurveySummary(true);
  const TextTable table = BreakdownTable(summary, 7);
  EXPECT_THAT(table.header,
              ElementsAre("country", "respondents", "n", "top themes (% of respondents)"));
  EXPECT_THAT(table.rows, Contains(ElementsAre("MY", "12", "10",
                                               "peer-exchange 40.0%; practical-tools 30.0%; "
                                               "regional-network 20.0%")));
  EXPECT_THAT(table.rows, Contains(ElementsAre("VN", "8", "suppressed (complementary)", "")));
  EXPECT_THAT(table.rows,
              Contains(ElementsAre("ID", "6", "suppressed (fewer than 5 answers)", "")));
  EXPECT_THAT(table.rows, Contains(ElementsAre("LA", "suppressed (< 5)", "", "")));
  const std::string html = RenderReport(summary, ReportFormat::kHtml);
  EXPECT_THAT(html, HasSubstr("<td>ID</td><td class=\"num\">6</td><td class=\"suppressed\" "
                              "colspan=\"2\">suppressed (fewer than 5 answers)</td>"));
  const std::string md = RenderReport(summary, ReportFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("| VN | 8 | suppressed (complementary) |  |"));
  const auto rows = CsvRows(RenderReport(summary, ReportFormat::kCsv));
  EXPECT_THAT(rows,
              Contains(ElementsAre("most_useful", "suppressed", "ID", "fewer than 5 answers")));
  EXPECT_THAT(rows, Contains(ElementsAre("most_useful", "suppressed", "VN", "complementary")));
  EXPECT_THAT(rows, Contains(ElementsAre("most_useful", "count[peer-exchange]", "MY", "4")));
}

TEST(RenderTest, AbsentFiguresReadAsDashNotZero) {
  // One answer: no standard deviation, no confidence interval.
  v1::QuestionSummary one;
  one.set_key("overall");
  one.set_text("Overall?");
  one.set_kind("likert");
  *one.mutable_scale() = ScaleFromCounts(1, {0, 0, 0, 1, 0}, {}, true, false);
  const std::vector<Figure> figures = QuestionFigures(one);
  auto value = [&](absl::string_view label) {
    for (const Figure& f : figures) {
      if (f.label == label) return f.value;
    }
    return std::string("(no such figure)");
  };
  EXPECT_EQ(value("mean"), "4.00");
  EXPECT_EQ(value("standard deviation (sample)"), "–");
  EXPECT_EQ(value("95% CI of the mean"), "–");

  const std::string md = RenderReport(OneQuestion(one), ReportFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("| standard deviation (sample) | – |"));
  EXPECT_THAT(md, HasSubstr("| 95% CI of the mean | – |"));
  const std::string html = RenderReport(OneQuestion(one), ReportFormat::kHtml);
  EXPECT_THAT(html, HasSubstr("standard deviation (sample)</th><td>–</td>"));
  // In CSV the value is empty: a spreadsheet reads it as missing, not as 0.
  const auto rows = CsvRows(RenderReport(OneQuestion(one), ReportFormat::kCsv));
  EXPECT_THAT(rows, Contains(ElementsAre("overall", "sd", "")));
  EXPECT_THAT(rows, Contains(ElementsAre("overall", "ci95_low", "")));

  // No answers at all: every figure absent, shares of nothing are not 0%.
  v1::QuestionSummary none;
  none.set_key("best");
  none.set_kind("single-choice");
  none.set_missing(3);
  none.mutable_choice()->set_respondents(0);
  for (const char* key : {"a", "b"}) {
    v1::OptionCount* option = none.mutable_choice()->add_options();
    option->set_key(key);
    option->set_label(key);
  }
  for (const Share& share : QuestionShares(none)) EXPECT_FALSE(share.percent.has_value());
  const std::string none_md = RenderReport(OneQuestion(none), ReportFormat::kMarkdown);
  EXPECT_THAT(none_md, HasSubstr("| a | 0 | – |"));
  EXPECT_THAT(none_md, Not(HasSubstr("0.0%")));

  v1::QuestionSummary empty_scale;
  empty_scale.set_key("hours");
  empty_scale.set_kind("number");
  empty_scale.mutable_scale();
  const std::string empty_md = RenderReport(OneQuestion(empty_scale), ReportFormat::kMarkdown);
  EXPECT_THAT(empty_md, AllOf(HasSubstr("| mean | – |"), HasSubstr("| median | – |"),
                              HasSubstr("| min / max | – / – |")));
}

TEST(RenderTest, HtmlHasOneChartPerQuestionWithItsBars) {
  const v1::SummarizeSurveyResponse summary = SampleSurveySummary(true);
  const std::string html = RenderReport(summary, ReportFormat::kHtml);
  ASSERT_EQ(Occurrences(html, "<article class=\"question\""), summary.questions_size());
  for (int i = 0; i < summary.questions_size(); ++i) {
    const v1::QuestionSummary& question = summary.questions(i);
    const std::string article = Nth(html, "<article class=\"question\"", "</article>", i);
    SCOPED_TRACE(question.key());
    EXPECT_EQ(Occurrences(article, "<svg"), 1);
    EXPECT_THAT(article, HasSubstr("role=\"img\" aria-label=\"Question "));
    EXPECT_THAT(article, HasSubstr("<title>Question "));
    EXPECT_THAT(article, HasSubstr("<table class=\"stats\""));
    const int bars = Occurrences(article, "<rect class=\"bar");
    const int segments = Occurrences(article, "<rect class=\"seg\"");
    if (question.kind() == "likert") {
      EXPECT_EQ(segments, question.scale().distribution_size());
      EXPECT_EQ(Occurrences(article, "<rect class=\"key\""), question.scale().distribution_size());
      EXPECT_EQ(bars, 0);
    } else if (question.kind() == "number") {
      EXPECT_EQ(Occurrences(article, "<rect class=\"box\""), 1);
    } else {
      EXPECT_EQ(bars, static_cast<int>(QuestionShares(question).size()));
      EXPECT_EQ(segments, 0);
    }
  }
  // The quiz's correct option stands out.
  EXPECT_EQ(Occurrences(html, "<rect class=\"bar correct\""), 1);
  // The highlights come first, as sentences.
  EXPECT_LT(html.find("Out of 32 responses, 38% named peer experience sharing"),
            html.find("<article class=\"question\""));
}

// Anonymous tests: what the service withheld reads "suppressed (...)" in every format, the counts
// stay, and no figure is printed, even one the message still carried.
TEST(RenderTest, WithheldPrePostFiguresReadSuppressedInEveryFormat) {
  const v1::ComparePrePostResponse c = SamplePrePostWithheld();
  const std::string suppressed = "suppressed (fewer than 5 took only the pre-test)";
  const std::vector<Figure> figures = PrePostFigures(c);
  ASSERT_EQ(figures.size(), 3u);
  EXPECT_EQ(figures[0].label, "pairs");
  EXPECT_EQ(figures[0].value, "36");
  EXPECT_EQ(figures[1].label, "maximum score");
  EXPECT_EQ(figures[1].value, "10");
  EXPECT_EQ(figures[2].label, "figures");
  EXPECT_EQ(figures[2].value, suppressed);

  const std::string md = RenderReport(c, ReportFormat::kMarkdown);
  EXPECT_THAT(
      md, AllOf(HasSubstr("**36 people answered both tests**; 4 answered only the "
                          "pre-test, 2 only the post-test."),
                HasSubstr(absl::StrCat("| figures | ", suppressed, " |")),
                HasSubstr(absl::StrCat("| art13 | Article 13 of UNCAC is about… | ", suppressed,
                                       " |  |  |")),
                HasSubstr("The tests are anonymous: when at least one but fewer than 5 people "
                          "took both tests"),
                Not(HasSubstr("| mean gain |")), Not(HasSubstr("4.61")), Not(HasSubstr("47.5%"))));

  const auto rows = CsvRows(RenderReport(c, ReportFormat::kCsv));
  EXPECT_THAT(rows, Contains(ElementsAre("(test)", "pairs", "36")));
  EXPECT_THAT(rows, Contains(ElementsAre("(test)", "unpaired_pre", "4")));
  EXPECT_THAT(rows,
              Contains(ElementsAre("(test)", "suppressed", "fewer than 5 took only the pre-test")));
  EXPECT_THAT(rows,
              Contains(ElementsAre("art13", "suppressed", "fewer than 5 took only the pre-test")));
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 3u);
    EXPECT_THAT(row[1], AllOf(Not(HasSubstr("mean")), Not(HasSubstr("gain")),
                              Not(HasSubstr("p_value")), Not(HasSubstr("percent"))));
  }

  const std::string html = RenderReport(c, ReportFormat::kHtml);
  EXPECT_THAT(html, AllOf(HasSubstr("<p class=\"withheld\">No figures: suppressed (fewer than 5 "
                                    "took only the pre-test), as the tests are anonymous.</p>"),
                          HasSubstr("<td>art13</td><td>Article 13 of UNCAC is about…</td><td "
                                    "class=\"suppressed\" colspan=\"2\">suppressed (fewer than 5 "
                                    "took only the pre-test)</td>"),
                          HasSubstr("The tests are anonymous"), Not(HasSubstr("<svg")),
                          Not(HasSubstr("normalised gain (Hake)</")), Not(HasSubstr("4.6 →"))));
  EXPECT_EQ(Occurrences(html, ">36<"), 1);  // the pairs' card

  // The flag is what counts: figures a message still carried are not printed either, and the
  // service's sentences leave them out.
  v1::ComparePrePostResponse carried = SamplePrePost();
  carried.set_min_cell_size(5);
  carried.set_suppressed(true);
  carried.set_suppressed_reason("fewer than 5 pairs");
  for (const std::string& report :
       {RenderReport(carried, ReportFormat::kMarkdown), RenderReport(carried, ReportFormat::kCsv),
        RenderReport(carried, ReportFormat::kHtml)}) {
    EXPECT_THAT(report, AllOf(HasSubstr("fewer than 5 pairs"), Not(HasSubstr("4.61")),
                              Not(HasSubstr("2.67")), Not(HasSubstr("0.495"))));
  }
  EXPECT_THAT(PrePostHighlights(carried),
              ElementsAre("6 responses could not be paired (4 pre-test only, 2 post-test only)."));

  // One item withheld in a comparison shown: that row says so, the others have their figures.
  v1::ComparePrePostResponse one = SamplePrePost();
  one.set_min_cell_size(5);
  v1::PrePostItem* item = one.mutable_items(1);
  item->clear_percent_correct_pre();
  item->clear_percent_correct_post();
  item->set_suppressed(true);
  item->set_suppressed_reason("fewer than 5 answers");
  EXPECT_THAT(RenderReport(one, ReportFormat::kMarkdown),
              AllOf(HasSubstr("| art13 | Article 13 of UNCAC is about… | suppressed (fewer than 5 "
                              "answers) |  |  |"),
                    HasSubstr("| 47.5% | 86.8% | +39.3 points |"), HasSubstr("| mean gain |")));
  const auto one_rows = CsvRows(RenderReport(one, ReportFormat::kCsv));
  EXPECT_THAT(one_rows, Contains(ElementsAre("art13", "suppressed", "fewer than 5 answers")));
  EXPECT_THAT(one_rows, Not(Contains(ElementsAre("art13", "percent_correct_post", "71.1"))));
  EXPECT_THAT(one_rows, Contains(ElementsAre("uncac_ch2", "percent_correct_pre", "47.5")));
  const std::string one_html = RenderReport(one, ReportFormat::kHtml);
  EXPECT_EQ(Occurrences(one_html, "<rect class=\"bar\""), 2 * 4 + 2);
  EXPECT_THAT(one_html, HasSubstr("colspan=\"2\">suppressed (fewer than 5 answers)</td>"));
}

TEST(RenderTest, HtmlFetchesNothing) {
  for (const std::string& html : {RenderReport(SampleSurveySummary(true), ReportFormat::kHtml),
                                  RenderReport(SamplePrePost(), ReportFormat::kHtml),
                                  RenderReport(SamplePrePostWithheld(), ReportFormat::kHtml),
                                  RenderReport(SampleParticipation(), ReportFormat::kHtml),
                                  RenderReport(SampleCompareEvents(), ReportFormat::kHtml)}) {
    EXPECT_THAT(html,
                AllOf(Not(HasSubstr("src=")), Not(HasSubstr("href=")), Not(HasSubstr("url(")),
                      Not(HasSubstr("@import")), Not(HasSubstr("<script")), Not(HasSubstr("<link")),
                      Not(HasSubstr("<iframe")), Not(HasSubstr("<img"))));
    EXPECT_THAT(html, HasSubstr("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    // "http" appears only in the CSP's http-equiv and inside escaped participants' text.
    for (size_t at = html.find("http"); at != std::string::npos; at = html.find("http", at + 1)) {
      const bool equiv = html.compare(at, 10, "http-equiv") == 0;
      const bool quoted_text = at >= 6 && html.compare(at - 6, 6, "&quot;") == 0;
      EXPECT_TRUE(equiv || quoted_text) << html.substr(at > 40 ? at - 40 : 0, 80);
    }
  }
}

TEST(RenderTest, MarkdownCarriesEveryQuestionAndTheBreakdown) {
  const v1::SummarizeSurveyResponse summary = SampleSurveySummary(true);
  const std::string md = RenderReport(summary, ReportFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("# Evaluation: Regional dialogue on corruption and human rights\n"));
  EXPECT_THAT(md, HasSubstr("**42 responses; 82.4% of 51 tokens issued; 93.3% of 45 "
                            "participants checked in.**"));
  EXPECT_THAT(md, HasSubstr("- Out of 32 responses, 38% named peer experience sharing as the "
                            "most useful aspect.\n"));
  for (int i = 0; i < summary.questions_size(); ++i) {
    EXPECT_THAT(md, HasSubstr(absl::StrCat("### ", i + 1, ". ")));
  }
  EXPECT_THAT(
      md, AllOf(HasSubstr("| Q1 / Q3 (inclusive method) | 4 / 5 |"),
                HasSubstr("| top-two-box (top two points) | 85.7% |"),
                HasSubstr("| net promoter score | +42.5 |"),
                HasSubstr("| 95% CI of the mean | 3.98 to 4.49 |"),
                HasSubstr("| option | count | % of 40 respondents |"),
                HasSubstr("| Chapter II (correct) | 31 | 77.5% |"),
                HasSubstr("| peer-exchange | 12 | 37.5% |"), HasSubstr("## Breakdown by country"),
                HasSubstr("Python's statistics.quantiles with method='inclusive'")));
  // Questions no breakdown cell answers are left out of the breakdown.
  EXPECT_THAT(md, Not(HasSubstr("### 2. The dialogue helped me understand how anti-corruption and "
                                "human rights efforts reinforce each other.\n\n| country")));
}

TEST(RenderTest, CsvHasOneRowPerFigure) {
  const auto rows = CsvRows(RenderReport(SampleSurveySummary(false), ReportFormat::kCsv));
  EXPECT_THAT(rows.front(), ElementsAre("question", "figure", "value"));
  EXPECT_THAT(rows, Contains(ElementsAre("(survey)", "responses", "42")));
  EXPECT_THAT(rows,
              Contains(ElementsAre("(survey)", "response_rate_tokens_percent", "82.35294118")));
  EXPECT_THAT(rows, Contains(ElementsAre("overall", "median", "4")));
  EXPECT_THAT(rows, Contains(ElementsAre("overall", "q1_inclusive", "4")));
  EXPECT_THAT(rows, Contains(ElementsAre("overall", "count[5]", "18")));
  EXPECT_THAT(rows, Contains(ElementsAre("themes", "percent[whistleblowers]", "62.5")));
  EXPECT_THAT(rows, Contains(ElementsAre("uncac_ch2", "correct_option", "ii")));
  for (const auto& row : rows) EXPECT_EQ(row.size(), 3u);
}

TEST(RenderTest, OtherReportsInEveryFormat) {
  const std::string prepost_md = RenderReport(SamplePrePost(), ReportFormat::kMarkdown);
  EXPECT_THAT(prepost_md, AllOf(HasSubstr("**36 people answered both tests**"),
                                HasSubstr("| mean gain | +2.67 |"),
                                HasSubstr("| 95% CI of the mean gain | 2.05 to 3.29 |"),
                                HasSubstr("| Wilcoxon signed-rank p (two-sided) | \\< 0.001 |"),
                                HasSubstr("| 47.5% | 86.8% | +39.3 points |")));
  const auto prepost_csv = CsvRows(RenderReport(SamplePrePost(), ReportFormat::kCsv));
  EXPECT_THAT(prepost_csv, Contains(ElementsAre("(test)", "normalized_gain", "0.495")));
  EXPECT_THAT(prepost_csv, Contains(ElementsAre("art13", "percent_correct_post", "71.1")));
  const std::string prepost_html = RenderReport(SamplePrePost(), ReportFormat::kHtml);
  EXPECT_EQ(Occurrences(prepost_html, "<svg"), 2);
  // Two bars (before, after) per item, plus the two mean scores.
  EXPECT_EQ(Occurrences(prepost_html, "<rect class=\"bar\""), 2 * 5 + 2);

  const std::string participation_md = RenderReport(SampleParticipation(), ReportFormat::kMarkdown);
  EXPECT_THAT(participation_md,
              AllOf(HasSubstr("**54 registered.**"), HasSubstr("| (unknown) | 1 | 2.2% |"),
                    HasSubstr("| 2024-10-01 | 42 | female 23 (54.8%), male 19 "
                              "(45.2%) |")));
  const auto participation_csv = CsvRows(RenderReport(SampleParticipation(), ReportFormat::kCsv));
  EXPECT_THAT(participation_csv, Contains(ElementsAre("gender", "female", "24", "53.33333333")));
  EXPECT_THAT(participation_csv,
              Contains(ElementsAre("speakers gender", "male", "4", "44.44444444")));
  const std::string participation_html = RenderReport(SampleParticipation(), ReportFormat::kHtml);
  // Status, gender, sector, country, role, attendance, speakers.
  EXPECT_EQ(Occurrences(participation_html, "<svg"), 7);

  const std::string compare_md = RenderReport(SampleCompareEvents(), ReportFormat::kMarkdown);
  EXPECT_THAT(
      compare_md,
      AllOf(HasSubstr(
                "| Regional dialogue, Kuala Lumpur | 2024-10-01 | srv_eval3 (evaluation) | 42 |"),
            HasSubstr("| Webinar: beneficial ownership | 2024-11-20 | no survey asks it | "
                      "– | – | – | – | – |")));
  const std::string compare_html = RenderReport(SampleCompareEvents(), ReportFormat::kHtml);
  EXPECT_EQ(Occurrences(compare_html, "<svg"), 1);
  EXPECT_EQ(Occurrences(compare_html, "<rect class=\"seg\""), 3 * 5);
  EXPECT_THAT(compare_html, HasSubstr(">not asked</text>"));
  const auto compare_csv = CsvRows(RenderReport(SampleCompareEvents(), ReportFormat::kCsv));
  EXPECT_THAT(compare_csv, Contains(ElementsAre("evt_1hn2024", "overall", "mean", "4")));
}

}  // namespace
}  // namespace convene::aggregation
