#include "clients/cli/report_tables.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/output.h"

namespace convene::cli {
namespace {

namespace v1 = ::convene::aggregation::v1;
using ::convene::aggregation::FormatPercent;
using ::convene::aggregation::TextTable;

constexpr int kIndent = 2;
constexpr int kColumnGap = 2;
// A breakdown's attribute column is never wrapped narrower than this.
constexpr int kMinValueWidth = 8;

// People's text as one terminal line: line breaks, tabs and other control characters (an escape
// sequence in a free-text answer could move the cursor or recolour the terminal) become spaces.
std::string Clean(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = text[i];
    if (c < 0x20 || c == 0x7F) {
      out.push_back(' ');
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out.push_back(' ');  // a C1 control character
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// `text` wrapped at `width` columns, every line indented by `indent` (the first by `first`).
std::string Wrap(absl::string_view text, int first, int indent, int width) {
  width = std::max(width, indent + 30);
  std::string out(first, ' ');
  int column = first;
  bool empty = true;
  for (absl::string_view word : absl::StrSplit(Clean(text), ' ', absl::SkipEmpty())) {
    const int w = DisplayWidth(word);
    if (!empty && column + 1 + w > width) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      column = indent;
      empty = true;
    }
    if (!empty) {
      out.push_back(' ');
      ++column;
    }
    absl::StrAppend(&out, word);
    column += w;
    empty = false;
  }
  return absl::StrCat(out, "\n");
}

// Every line of `text` indented by kIndent.
std::string IndentLines(absl::string_view text) {
  const std::string indent(kIndent, ' ');
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, indent, line, "\n");
  }
  return out;
}

// A table indented by kIndent, fitting `width`; `cut` are the columns that may be narrowed,
// `drop` those left out (first) while it is too wide.
std::string Indented(TextTable text, int width, std::vector<size_t> cut = {0},
                     std::vector<size_t> drop = {}) {
  Table table;
  table.header = std::move(text.header);
  for (auto& row : text.rows) {
    for (std::string& cell : row) cell = Clean(cell);
    table.rows.push_back(std::move(row));
  }
  table.cut_order = std::move(cut);
  table.drop_order = std::move(drop);
  return IndentLines(RenderTable(table, width - kIndent));
}

// A bar of up to `width` block characters for `percent` of `largest`.
std::string Bar(std::optional<double> percent, double largest, int width = 20) {
  if (!percent || largest <= 0) return "";
  const int n = static_cast<int>(*percent / largest * width + 0.5);
  std::string bar;
  for (int i = 0; i < n; ++i) bar += "█";
  return bar;
}

// "mean 4.24 · sd 0.82 · ..." wrapped under a question.
std::string FiguresLine(const std::vector<aggregation::Figure>& figures, int width) {
  std::vector<std::string> parts;
  for (const aggregation::Figure& figure : figures) {
    parts.push_back(absl::StrCat(figure.label, " ", figure.value));
  }
  return Wrap(absl::StrJoin(parts, " · "), kIndent, kIndent, width);
}

std::string SharesTable(const v1::QuestionSummary& question, int width) {
  const std::vector<aggregation::Share> shares = aggregation::QuestionShares(question);
  if (shares.empty()) return "";
  double largest = 0;
  for (const auto& share : shares) largest = std::max(largest, share.percent.value_or(0));
  std::string first = "answer";
  if (question.has_choice() || question.has_quiz()) first = "option";
  if (question.has_free_text()) first = "theme";
  TextTable table{{first, "count", "%", ""}, {}};
  for (const auto& share : shares) {
    table.rows.push_back({share.highlighted ? absl::StrCat(share.label, " (correct)") : share.label,
                          absl::StrCat(share.count), FormatPercent(share.percent),
                          Bar(share.percent, largest)});
  }
  return Indented(std::move(table), width, {0, 3});
}

// --- Breakdown tables -------------------------------------------------------------------------

// The byte length of the first `chars` characters of `text`.
size_t Prefix(absl::string_view text, int chars) {
  size_t end = 0;
  for (int seen = 0; end < text.size(); ++end) {
    if ((text[end] & 0xC0) != 0x80) {
      if (seen == chars) break;
      ++seen;
    }
  }
  return end;
}

// `text` in lines of at most `width` characters: broken at spaces (dropped) and after hyphens
// (kept); a piece longer than `width` is broken inside it.
std::vector<std::string> WrapCell(absl::string_view text, int width) {
  if (DisplayWidth(text) <= width) return {std::string(text)};
  std::vector<std::string> lines;
  std::string line;
  auto place = [&](absl::string_view piece, bool after_space) {
    const int joiner = line.empty() || !after_space ? 0 : 1;
    if (!line.empty() && DisplayWidth(line) + joiner + DisplayWidth(piece) > width) {
      lines.push_back(std::move(line));
      line.clear();
    }
    if (!line.empty() && after_space) line.push_back(' ');
    while (line.empty() && DisplayWidth(piece) > width) {
      const size_t cut = Prefix(piece, width);
      lines.push_back(std::string(piece.substr(0, cut)));
      piece.remove_prefix(cut);
    }
    absl::StrAppend(&line, piece);
  };
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    bool first = true;
    while (!word.empty()) {
      const size_t hyphen = word.find('-');
      const size_t end = hyphen == absl::string_view::npos ? word.size() : hyphen + 1;
      place(word.substr(0, end), first);
      word.remove_prefix(end);
      first = false;
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

// `text`, a list "a 40.0%; b 30.0%; c 20.0%", in lines of at most `width` characters where it
// can: broken only after a "; ", so that an item stays whole.
std::vector<std::string> WrapList(absl::string_view text, int width) {
  const std::vector<absl::string_view> items = absl::StrSplit(text, "; ");
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string piece = absl::StrCat(items[i], i + 1 < items.size() ? ";" : "");
    if (!line.empty() && DisplayWidth(line) + 1 + DisplayWidth(piece) > width) {
      lines.push_back(std::move(line));
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", piece);
  }
  lines.push_back(std::move(line));
  return lines;
}

// The widest item of a list cell, its ";" included (WrapList).
int WidestItem(absl::string_view text) {
  int widest = 0;
  for (absl::string_view item : absl::StrSplit(text, "; ")) {
    widest = std::max(widest, DisplayWidth(item) + 1);
  }
  return widest;
}

// Whether row[i] is "suppressed ..." with nothing after it: it stands for the columns from i on.
bool SpansRest(const std::vector<std::string>& row, size_t i) {
  if (!absl::StartsWith(row[i], "suppressed")) return false;
  return std::all_of(row.begin() + i + 1, row.end(),
                     [](const std::string& c) { return c.empty(); });
}

}  // namespace

std::string BreakdownLayout(TextTable table, size_t dimensions, int width) {
  const size_t columns = table.header.size();
  if (columns == 0) return "";
  for (auto& row : table.rows) {
    row.resize(columns);
    for (std::string& cell : row) cell = Clean(cell);
  }
  // Where each row's spanning "suppressed ..." starts, or `columns`.
  std::vector<size_t> span(table.rows.size(), columns);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t i = std::min(dimensions, columns); i < columns; ++i) {
      if (SpansRest(table.rows[r], i)) {
        span[r] = i;
        break;
      }
    }
  }
  std::vector<int> widths(columns, 0);
  for (size_t i = 0; i < columns; ++i) widths[i] = DisplayWidth(table.header[i]);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t i = 0; i < span[r]; ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(table.rows[r][i]));
    }
  }
  auto total = [&] {
    int sum = kColumnGap * static_cast<int>(columns - 1);
    for (int w : widths) sum += w;
    return sum;
  };
  // Where column i starts, and what spans from it (its columns and the gaps between them).
  auto offset = [&](size_t i) {
    int sum = kColumnGap * static_cast<int>(i);
    for (size_t j = 0; j < i; ++j) sum += widths[j];
    return sum;
  };
  auto span_width = [&](size_t i) { return total() - offset(i); };
  // The width the table needs for every line on one line, markers included.
  auto needed = [&] {
    int most = total();
    for (size_t r = 0; r < table.rows.size(); ++r) {
      if (span[r] < columns) {
        most = std::max(most, offset(span[r]) + DisplayWidth(table.rows[r][span[r]]));
      }
    }
    return most;
  };
  // Too wide: the attribute values wrap, the last dimension's (the longest: sectors) first.
  for (size_t d = std::min(dimensions, columns); d-- > 0 && needed() > width;) {
    const int narrowest = std::max(kMinValueWidth, DisplayWidth(table.header[d]));
    widths[d] = std::max(std::min(widths[d], narrowest), widths[d] - (needed() - width));
  }
  // Then lists (a free-text question's top themes) wrap between their items.
  std::vector<int> list(columns, 0);  // the narrowest a column of lists can be; 0: no list
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t i = std::min(dimensions, columns); i < span[r]; ++i) {
      if (absl::StrContains(table.rows[r][i], "; ")) {
        list[i] = std::max({list[i], DisplayWidth(table.header[i]), WidestItem(table.rows[r][i])});
      }
    }
  }
  for (size_t i = columns; i-- > dimensions && needed() > width;) {
    if (list[i] == 0) continue;
    widths[i] = std::max(std::min(widths[i], list[i]), widths[i] - (needed() - width));
  }
  // A "suppressed ..." longer than its columns widens the last one, as far as `width` allows
  // (beyond that it wraps).
  for (size_t r = 0; r < table.rows.size(); ++r) {
    if (span[r] == columns) continue;
    const int missing = DisplayWidth(table.rows[r][span[r]]) - span_width(span[r]);
    if (missing > 0) widths.back() += std::max(0, std::min(missing, width - total()));
  }

  std::string out;
  auto render = [&](const std::vector<std::vector<std::string>>& cells, size_t spans_from) {
    size_t height = 1;
    for (const auto& lines : cells) height = std::max(height, lines.size());
    for (size_t l = 0; l < height; ++l) {
      std::string line;
      for (size_t i = 0; i < cells.size(); ++i) {
        const std::string text = l < cells[i].size() ? cells[i][l] : "";
        if (i > 0) line.append(kColumnGap, ' ');
        const int w = i == spans_from ? span_width(i) : widths[i];
        absl::StrAppend(&line, text, std::string(std::max(0, w - DisplayWidth(text)), ' '));
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      absl::StrAppend(&out, line, "\n");
    }
  };
  std::vector<std::vector<std::string>> header;
  for (const std::string& h : table.header) header.push_back({h});
  render(header, columns);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    std::vector<std::vector<std::string>> cells;
    for (size_t i = 0; i <= std::min(span[r], columns - 1); ++i) {
      const std::string& cell = table.rows[r][i];
      if (i == span[r]) {
        cells.push_back(WrapCell(cell, span_width(i)));
      } else if (i < dimensions) {
        cells.push_back(WrapCell(cell, widths[i]));
      } else if (list[i] > 0) {
        cells.push_back(WrapList(cell, widths[i]));
      } else {
        cells.push_back({cell});  // a figure: never cut
      }
    }
    render(cells, span[r]);
  }
  return out;
}

std::string SurveyTable(const v1::SummarizeSurveyResponse& r, int width) {
  std::string out = Wrap(r.title().empty() ? r.survey_id() : r.title(), 0, 0, width);
  std::vector<std::string> about = {absl::StrCat("survey ", r.survey_id())};
  if (!r.event_id().empty()) about.push_back(absl::StrCat("event ", r.event_id()));
  if (r.anonymous()) about.push_back("anonymous");
  absl::StrAppend(&out, absl::StrJoin(about, " · "), "\n",
                  Wrap(aggregation::ResponseLine(r), 0, 0, width));
  if (!r.highlights().empty()) {
    out += "\nHighlights\n";
    for (const std::string& sentence : r.highlights()) {
      absl::StrAppend(&out, Wrap(absl::StrCat("• ", sentence), kIndent, kIndent + 2, width));
    }
  }
  for (int i = 0; i < r.questions_size(); ++i) {
    const v1::QuestionSummary& q = r.questions(i);
    absl::StrAppend(&out, "\n", Wrap(absl::StrCat("Q", i + 1, ". ", q.text()), 0, 4, width));
    if (q.suppressed()) {
      absl::StrAppend(&out,
                      Wrap(absl::StrCat(q.kind(), ", key ", q.key()), kIndent, kIndent, width),
                      Wrap(aggregation::WithheldSentence(aggregation::SuppressedQuestionText(q)),
                           kIndent, kIndent, width));
      continue;
    }
    absl::StrAppend(
        &out,
        Wrap(absl::StrCat(q.kind(), ", key ", q.key(), ", ", aggregation::SharesDenominator(q)),
             kIndent, kIndent, width),
        FiguresLine(aggregation::QuestionFigures(q), width), SharesTable(q, width));
    if (q.has_free_text() && q.free_text().uncoded_answers_size() > 0) {
      absl::StrAppend(&out, "  answers without a theme:\n");
      for (const std::string& answer : q.free_text().uncoded_answers()) {
        absl::StrAppend(&out, Wrap(absl::StrCat("“", answer, "”"), 4, 5, width));
      }
    }
  }
  if (r.score_suppressed()) {
    absl::StrAppend(
        &out, "\nQuiz score (out of ", r.max_score(), ")\n",
        Wrap(aggregation::WithheldSentence(aggregation::SuppressedScoreText(r.min_cell_size())),
             kIndent, kIndent, width));
  } else if (r.has_score() && r.max_score() > 0) {
    absl::StrAppend(&out, "\nQuiz score (out of ", r.max_score(), ")\n",
                    FiguresLine(aggregation::ScoreFigures(r.score(), r.max_score()), width));
  }
  if (!r.by().empty()) {
    absl::StrAppend(&out, "\nBreakdown by ", absl::StrJoin(r.by(), " and "), "\n");
    if (r.anonymous()) {
      absl::StrAppend(
          &out,
          Wrap(absl::StrCat("Cells with fewer than ", r.min_cell_size(),
                            " respondents, a question's figures of fewer than ", r.min_cell_size(),
                            " answers, and whatever would let one of them be recomputed "
                            "from the totals are suppressed."),
               kIndent, kIndent, width));
    }
    const size_t dimensions = r.by_size();
    for (int i = 0; i < r.questions_size(); ++i) {
      TextTable table = aggregation::BreakdownTable(r, i, /*option_keys=*/true);
      if (table.rows.empty()) continue;
      absl::StrAppend(&out, "\n",
                      Wrap(absl::StrCat("Q", i + 1, ". ", r.questions(i).text()), 0, 4, width),
                      IndentLines(BreakdownLayout(std::move(table), dimensions, width - kIndent)));
    }
    if (r.has_score() && r.max_score() > 0) {
      absl::StrAppend(&out, "\nQuiz score\n",
                      IndentLines(BreakdownLayout(aggregation::ScoreBreakdownTable(r), dimensions,
                                                  width - kIndent)));
    }
  }
  return out;
}

std::string PrePostTable(const v1::ComparePrePostResponse& r, int width) {
  std::string out =
      absl::StrCat("Pre-test ", r.pre_survey_id(), ", post-test ", r.post_survey_id(), "\n");
  std::vector<std::pair<std::string, std::string>> fields;
  for (const aggregation::Figure& figure : aggregation::PrePostFigures(r)) {
    fields.push_back({figure.label, figure.value});
  }
  fields.insert(fields.begin() + 1,
                {"answered only one", absl::StrCat(r.unpaired_pre(), " the pre-test, ",
                                                   r.unpaired_post(), " the post-test")});
  out += RenderRecord(fields);
  if (!r.highlights().empty()) {
    out += "\nHighlights\n";
    for (const std::string& sentence : r.highlights()) {
      absl::StrAppend(&out, Wrap(absl::StrCat("• ", sentence), kIndent, kIndent + 2, width));
    }
  }
  if (!r.items().empty()) {
    TextTable items{{"item", "% correct before", "after", "question"}, {}};
    for (const v1::PrePostItem& item : r.items()) {
      if (item.suppressed()) {
        // Withheld with the whole comparison: its reason is on the "figures" line above, and the
        // question keeps the width.
        const bool as_above = r.suppressed() && item.suppressed_reason() == r.suppressed_reason();
        items.rows.push_back(
            {item.key(),
             as_above ? "suppressed" : aggregation::SuppressedPrePostText(item.suppressed_reason()),
             "", item.text()});
        continue;
      }
      items.rows.push_back(
          {item.key(),
           FormatPercent(item.has_percent_correct_pre() ? std::optional(item.percent_correct_pre())
                                                        : std::nullopt),
           FormatPercent(item.has_percent_correct_post()
                             ? std::optional(item.percent_correct_post())
                             : std::nullopt),
           item.text()});
    }
    absl::StrAppend(&out, "\nQuiz items\n", Indented(std::move(items), width, {3, 0}));
  }
  return out;
}

namespace {

std::string CountsTable(absl::string_view heading, absl::string_view column,
                        const google::protobuf::RepeatedPtrField<v1::AttributeCount>& counts,
                        int width) {
  if (counts.empty()) return "";
  double largest = 0;
  for (const v1::AttributeCount& c : counts) largest = std::max(largest, c.percent());
  TextTable table{{std::string(column), "count", "%", ""}, {}};
  for (const v1::AttributeCount& c : counts) {
    table.rows.push_back({c.value().empty() ? "(unknown)" : c.value(), absl::StrCat(c.count()),
                          FormatPercent(c.percent()), Bar(c.percent(), largest)});
  }
  return absl::StrCat("\n", heading, "\n", Indented(std::move(table), width, {0, 3}));
}

}  // namespace

std::string ParticipationTable(const v1::SummarizeParticipationResponse& r, int width) {
  std::string out = Wrap(r.title().empty() ? r.event_id() : r.title(), 0, 0, width);
  absl::StrAppend(&out, "event ", r.event_id(), " · ", r.registered(), " registered\n");
  for (const std::string& warning : r.warnings()) {
    absl::StrAppend(&out, Wrap(absl::StrCat("note: ", warning), 0, 6, width));
  }
  out += CountsTable("By status (of everyone registered)", "status", r.by_status(), width);
  out += CountsTable("Confirmed participants by gender", "gender", r.by_gender(), width);
  out += CountsTable("By sector", "sector", r.by_sector(), width);
  out += CountsTable("By country", "country", r.by_country(), width);
  out += CountsTable("By role", "role", r.by_role(), width);
  if (!r.attendance().empty()) {
    TextTable table{{"day", "checked in", "by gender"}, {}};
    for (const v1::DayAttendance& day : r.attendance()) {
      std::vector<std::string> genders;
      for (const v1::AttributeCount& c : day.by_gender()) {
        genders.push_back(
            absl::StrCat(c.value().empty() ? "(unknown)" : c.value(), " ", c.count()));
      }
      table.rows.push_back(
          {day.day(), absl::StrCat(day.checked_in()), absl::StrJoin(genders, ", ")});
    }
    absl::StrAppend(&out, "\nAttendance\n", Indented(std::move(table), width, {2}));
  }
  absl::StrAppend(&out, "\n", r.speakers(), " chairs and speakers\n");
  out += CountsTable("Speakers by gender", "gender", r.speakers_by_gender(), width);
  return out;
}

std::string CompareTable(const v1::CompareEventsResponse& r, int width) {
  std::string out = absl::StrCat("Question ", r.question_key());
  for (const v1::EventQuestion& event : r.events()) {
    if (event.has_question()) {
      absl::StrAppend(&out, ": ", event.question().text());
      break;
    }
  }
  out = Wrap(out, 0, 2, width);
  // The survey ids are in the other formats; the terminal keeps the events readable.
  return absl::StrCat(
      out, Indented(aggregation::CompareEventsTable(r, /*option_keys=*/true), width, {0, 1}, {2}));
}

}  // namespace convene::cli
