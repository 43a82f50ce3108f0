// The HTML reports: one self-contained page each (inline CSS and SVG, no scripts, no fonts, no
// links out), laid out like an outcomes document: the key figures and sentences first, then per
// question a chart beside its statistics table, then the breakdown and the method notes.
//
// Charts are drawn here as SVG, sized in a fixed coordinate system (the viewBox) that the page
// scales to its width. Text widths are estimated from character counts (kCharWidth), which is
// generous for the sans-serif fonts browsers fall back to; long labels are cut with "…" and the
// full text is kept in the element's <title> (the browser's tooltip). Every data mark is a <rect>
// with a class saying what it is: "bar" (one value, option or theme), "seg" (one point of a
// Likert scale in a diverging bar), "box" (a box plot), "key" (a legend swatch).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/aggregation/render.h"
#include "services/aggregation/render_internal.h"

namespace convene::aggregation {
namespace {

using internal::HtmlEscape;
using internal::Opt;

// --- Geometry and colour ------------------------------------------------------------------------

constexpr int kChartWidth = 560;      // a chart beside its statistics table
constexpr int kWideChartWidth = 760;  // a chart alone on its line (breakdowns, comparisons)
constexpr double kCharWidth = 7.0;    // per character of 12px text
constexpr int kFontSize = 12;

// Characters `text` takes (UTF-8 code points).
int Chars(absl::string_view text) {
  int n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// `text` cut to at most `max_chars` characters, the last one "…".
std::string Cut(absl::string_view text, int max_chars) {
  if (Chars(text) <= max_chars) return std::string(text);
  int kept = 0;
  size_t end = 0;
  while (end < text.size()) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80) {
      if (kept == max_chars - 1) break;
      ++kept;
    }
    ++end;
  }
  return absl::StrCat(text.substr(0, end), "…");
}

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

struct Rgb {
  int r, g, b;
};

Rgb ParseHex(absl::string_view hex) {
  auto part = [&](int i) { return std::stoi(std::string(hex.substr(1 + 2 * i, 2)), nullptr, 16); };
  return {part(0), part(1), part(2)};
}

std::string Hex(Rgb c) { return absl::StrFormat("#%02x%02x%02x", c.r, c.g, c.b); }

// Relative luminance (WCAG 2), to pick dark or light text on a fill.
double Luminance(Rgb c) {
  auto channel = [](int v) {
    const double s = v / 255.0;
    return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

// A muted diverging palette, rust (disagree) through grey (neutral) to blue (agree), readable by
// people with red-green colour blindness. Five- and seven-point scales have their own stops; any
// other number of points is interpolated along the seven.
constexpr std::array<const char*, 5> kDiverging5 = {"#b4462f", "#e3a68a", "#d3d7dc", "#8db5d4",
                                                    "#2a6496"};
constexpr std::array<const char*, 7> kDiverging7 = {"#9c3a26", "#c96a4f", "#ebbba3", "#d3d7dc",
                                                    "#abc9e1", "#5e94bf", "#245a87"};

std::string PointColour(int index, int points) {
  if (points == 5) return kDiverging5[index];
  if (points == 7) return kDiverging7[index];
  if (points <= 1) return kDiverging7[3];
  const double position = 6.0 * index / (points - 1);
  const int low = std::min(5, static_cast<int>(std::floor(position)));
  const double t = position - low;
  const Rgb a = ParseHex(kDiverging7[low]);
  const Rgb b = ParseHex(kDiverging7[low + 1]);
  auto mix = [&](int x, int y) { return static_cast<int>(std::lround(x + (y - x) * t)); };
  return Hex({mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)});
}

// The class of text drawn on `fill`: white on dark fills, ink on light ones.
std::string TextClassOn(const std::string& fill) {
  return Luminance(ParseHex(fill)) < 0.3 ? "in on-dark" : "in";
}

// Series colours for grouped bars: before/after, or one per event.
constexpr std::array<const char*, 6> kSeries = {"#9fb3c8", "#1f5f8b", "#c47a3a",
                                                "#5b8c5a", "#8a6fa8", "#4f6272"};

// --- SVG ----------------------------------------------------------------------------------------

// An <svg> element being drawn: the caller appends elements to `body` and knows the height only
// at the end.
struct Svg {
  std::string body;
  int width = kChartWidth;

  void Rect(double x, double y, double w, double h, absl::string_view cls, absl::string_view fill,
            absl::string_view tooltip) {
    absl::StrAppend(&body, "<rect class=\"", cls, "\" x=\"", Num(x), "\" y=\"", Num(y),
                    "\" width=\"", Num(std::max(0.0, w)), "\" height=\"", Num(h), "\"");
    if (!fill.empty()) absl::StrAppend(&body, " fill=\"", fill, "\"");
    if (tooltip.empty()) {
      body += "/>";
    } else {
      absl::StrAppend(&body, "><title>", HtmlEscape(tooltip), "</title></rect>");
    }
  }
  // `anchor` is start, middle or end; `cls` may be empty.
  void Text(double x, double y, absl::string_view text, absl::string_view anchor = "start",
            absl::string_view cls = "", absl::string_view fill = "") {
    absl::StrAppend(&body, "<text x=\"", Num(x), "\" y=\"", Num(y), "\"");
    if (anchor != "start") absl::StrAppend(&body, " text-anchor=\"", anchor, "\"");
    if (!cls.empty()) absl::StrAppend(&body, " class=\"", cls, "\"");
    if (!fill.empty()) absl::StrAppend(&body, " fill=\"", fill, "\"");
    absl::StrAppend(&body, ">", HtmlEscape(text), "</text>");
  }
  // Text cut to `max_chars`, with the full text as its tooltip when cut.
  void Label(double x, double y, absl::string_view text, int max_chars,
             absl::string_view anchor = "start") {
    const std::string cut = Cut(text, max_chars);
    if (cut == text) {
      Text(x, y, text, anchor);
      return;
    }
    absl::StrAppend(&body, "<text x=\"", Num(x), "\" y=\"", Num(y), "\"",
                    anchor == "start" ? "" : absl::StrCat(" text-anchor=\"", anchor, "\""), ">",
                    "<title>", HtmlEscape(text), "</title>", HtmlEscape(cut), "</text>");
  }
  void Line(double x1, double y1, double x2, double y2, absl::string_view cls) {
    absl::StrAppend(&body, "<line class=\"", cls, "\" x1=\"", Num(x1), "\" y1=\"", Num(y1),
                    "\" x2=\"", Num(x2), "\" y2=\"", Num(y2), "\"/>");
  }

  // The finished element: `label` is what a screen reader announces.
  std::string Finish(double height, absl::string_view label, absl::string_view cls = "") const {
    const std::string h = Num(std::ceil(height));
    return absl::StrCat("<svg class=\"chart", cls.empty() ? "" : " ", cls, "\" viewBox=\"0 0 ",
                        width, " ", h, "\" width=\"", width, "\" height=\"", h,
                        "\" role=\"img\" aria-label=\"", HtmlEscape(label), "\"><title>",
                        HtmlEscape(label), "</title>", body, "</svg>");
  }
};

// A legend of swatches and labels flowing left to right from `y`, wrapping at the chart's width.
// Returns the y below it.
double Legend(Svg& svg, double y, const std::vector<std::pair<std::string, std::string>>& items) {
  double x = 0;
  for (const auto& [label, colour] : items) {
    const std::string text = Cut(label, 34);
    const double width = 18 + Chars(text) * kCharWidth + 16;
    if (x > 0 && x + width > svg.width) {
      x = 0;
      y += 20;
    }
    svg.Rect(x, y, 12, 12, "key", colour, "");
    svg.Label(x + 17, y + 10.5, label, 34);
    x += width;
  }
  return y + 20;
}

// One bar of HorizontalBars.
struct BarRow {
  std::string label;
  double length = 0;  // 0..1 of the longest possible bar
  std::string value;  // printed after the bar: "18 · 42.9%"
  std::string tooltip;
  bool highlighted = false;
  std::string fill;  // a colour of its own (before/after); else the CSS one
  // A confidence interval drawn as a whisker, in the same 0..1 units.
  std::optional<std::pair<double, double>> whisker;
};

// Horizontal bars with their values at the end. Short labels (numbers of a scale) sit to the left
// of their bars; longer ones (options, themes) above them, so that they need not be cut.
std::string HorizontalBars(const std::vector<BarRow>& rows, absl::string_view aria_label,
                           absl::string_view empty_text = "") {
  Svg svg;
  if (rows.empty()) {
    svg.Text(0, 18, empty_text.empty() ? "Nothing to show." : empty_text, "start", "empty");
    return svg.Finish(28, aria_label);
  }
  int label_chars = 0;
  for (const BarRow& row : rows) label_chars = std::max(label_chars, Chars(row.label));
  const bool side_labels = label_chars <= 12;
  const double label_width = side_labels ? label_chars * kCharWidth + 10 : 0;
  // What follows each bar; the correct option of a quiz says so in words too, not only in colour.
  std::vector<std::string> values;
  for (const BarRow& row : rows) {
    values.push_back(row.highlighted && side_labels ? absl::StrCat(row.value, "  ✓ correct")
                                                    : row.value);
  }
  int value_chars = 0;
  for (const std::string& value : values) value_chars = std::max(value_chars, Chars(value));
  const double bar_x = label_width;
  const double max_bar = kChartWidth - bar_x - value_chars * kCharWidth - 12;
  const double bar_height = 16;
  const double row_height = side_labels ? 24 : 40;
  double y = 4;
  for (size_t i = 0; i < rows.size(); ++i) {
    const BarRow& row = rows[i];
    double bar_y = y;
    if (side_labels) {
      svg.Text(label_width - 8, y + 12.5, row.label, "end");
    } else {
      svg.Label(0, y + 11, row.highlighted ? absl::StrCat(row.label, "  ✓ correct") : row.label,
                static_cast<int>(kChartWidth / kCharWidth) - 2);
      bar_y = y + 17;
    }
    const double width = max_bar * std::clamp(row.length, 0.0, 1.0);
    svg.Rect(bar_x, bar_y, width, bar_height, row.highlighted ? "bar correct" : "bar", row.fill,
             row.tooltip);
    if (row.whisker) {
      const double lo = bar_x + max_bar * std::clamp(row.whisker->first, 0.0, 1.0);
      const double hi = bar_x + max_bar * std::clamp(row.whisker->second, 0.0, 1.0);
      svg.Line(lo, bar_y + bar_height / 2, hi, bar_y + bar_height / 2, "whisker");
      svg.Line(lo, bar_y + 3, lo, bar_y + bar_height - 3, "whisker");
      svg.Line(hi, bar_y + 3, hi, bar_y + bar_height - 3, "whisker");
    }
    double value_x = bar_x + width + 6;
    if (row.whisker) {
      value_x = std::max(value_x, bar_x + max_bar * std::clamp(row.whisker->second, 0.0, 1.0) + 6);
    }
    svg.Text(value_x, bar_y + 12.5, values[i], "start", "value");
    y += row_height;
  }
  svg.Line(bar_x, 0, bar_x, y - (side_labels ? 4 : 0), "axis");
  return svg.Finish(y + 2, aria_label);
}

// Bars from the shares of a question: length by percentage (or count when no percentage), scaled
// to the largest.
std::vector<BarRow> ShareBars(const std::vector<Share>& shares, absl::string_view denominator) {
  double largest = 0;
  for (const Share& share : shares) {
    largest = std::max(largest, share.percent ? *share.percent : static_cast<double>(share.count));
  }
  std::vector<BarRow> rows;
  for (const Share& share : shares) {
    const double size = share.percent ? *share.percent : share.count;
    BarRow row;
    row.label = share.label;
    row.length = largest > 0 ? size / largest : 0;
    row.value = share.percent ? absl::StrCat(share.count, " · ", FormatPercent(share.percent))
                              : absl::StrCat(share.count);
    row.tooltip = absl::StrCat(share.label, ": ", share.count, " (", FormatPercent(share.percent),
                               " ", denominator.substr(2), ")");
    row.highlighted = share.highlighted;
    rows.push_back(std::move(row));
  }
  return rows;
}

// One row of a diverging chart: a label (none for a single overall row) and the distribution of
// a Likert scale, or a reason to show no bar.
struct DivergingRow {
  std::string label;
  const v1::ScaleStatistics* scale = nullptr;
  std::string instead;  // "suppressed (< 5)": shown in place of the bar
};

// Likert answers as diverging stacked bars: the points below the middle of the scale to the left
// of a centre line, those above it to the right, the neutral middle point (odd scales) centred on
// the line. Totals of each side at the ends, % inside segments wide enough, then a legend with
// the scale's labels.
std::string DivergingBars(const std::vector<DivergingRow>& rows, absl::string_view aria_label,
                          int chart_width = kChartWidth) {
  int points = 0;
  const v1::ScaleStatistics* shape = nullptr;
  for (const DivergingRow& row : rows) {
    if (row.scale != nullptr && row.scale->distribution_size() > points) {
      points = row.scale->distribution_size();
      shape = row.scale;
    }
  }
  // Row labels sit to the left of the bars when they are short, above them otherwise.
  int label_chars = 0;
  for (const DivergingRow& row : rows) label_chars = std::max(label_chars, Chars(row.label));
  const bool labels_above = label_chars > 24;
  const double label_width = label_chars == 0 || labels_above ? 0 : label_chars * kCharWidth + 12;
  const double label_height = labels_above ? 17 : 0;
  const double side = 48;  // room for each side's total
  const double left = label_width + side;
  const double right = chart_width - side;
  const double centre = (left + right) / 2;
  const double half = (right - left) / 2;
  const bool odd = points % 2 == 1;
  const int middle = points / 2;  // the neutral index when odd

  // Shares of each side, neutral split across the line; the scale fits the widest side.
  auto percent = [](const v1::ScaleStatistics& s, int i) {
    return i < s.distribution_size() ? s.distribution(i).percent() : 0.0;
  };
  double widest = 0;
  for (const DivergingRow& row : rows) {
    if (row.scale == nullptr || row.scale->answered() == 0) continue;
    double low = 0, high = 0;
    for (int i = 0; i < points; ++i) {
      const double p = percent(*row.scale, i);
      if (odd && i == middle) {
        low += p / 2;
        high += p / 2;
      } else if (i < middle) {
        low += p;
      } else {
        high += p;
      }
    }
    widest = std::max({widest, low, high});
  }
  const double extent = std::clamp(std::ceil(widest / 25) * 25, 50.0, 100.0);
  const double scale = half / extent;

  Svg svg;
  svg.width = chart_width;
  const double bar_height = rows.size() == 1 ? 30 : 22;
  const double row_height = label_height + bar_height + 10;
  const double text_y = bar_height / 2 + 4;
  double y = 4;
  // Gridlines every 25% each side, labelled at the bottom.
  const double grid_top = y;
  const double grid_bottom = y + rows.size() * row_height - 10;
  for (double g = 25; g <= extent + 1e-9; g += 25) {
    svg.Line(centre - g * scale, grid_top, centre - g * scale, grid_bottom, "grid");
    svg.Line(centre + g * scale, grid_top, centre + g * scale, grid_bottom, "grid");
  }
  for (const DivergingRow& row : rows) {
    if (labels_above) {
      svg.Label(0, y + 11, row.label, static_cast<int>(chart_width / kCharWidth) - 2);
      y += label_height;
    } else if (!row.label.empty()) {
      svg.Text(0, y + text_y, row.label);
    }
    if (row.scale == nullptr || !row.instead.empty() || row.scale->answered() == 0) {
      svg.Text(centre, y + text_y, row.instead.empty() ? std::string("no answers") : row.instead,
               "middle", "empty");
      y += row_height - label_height;
      continue;
    }
    const v1::ScaleStatistics& s = *row.scale;
    auto segment = [&](int i, double x, double width) {
      const v1::ValueCount& value = s.distribution(i);
      const std::string fill = PointColour(i, points);
      const std::string name = value.label().empty() ? FormatShort(value.value()) : value.label();
      svg.Rect(x, y, width, bar_height, "seg", fill,
               absl::StrCat(name, ": ", value.count(), " (", FormatPercent(value.percent()), " of ",
                            s.answered(), " answers)"));
      if (width >= 30) {
        svg.Text(x + width / 2, y + bar_height / 2 + 4,
                 absl::StrCat(std::lround(value.percent()), "%"), "middle", TextClassOn(fill));
      }
    };
    double neutral_half = 0;
    if (odd) {
      neutral_half = percent(s, middle) * scale / 2;
      segment(middle, centre - neutral_half, 2 * neutral_half);
    }
    double x = centre - neutral_half;
    double low_total = 0;
    for (int i = middle - 1; i >= 0; --i) {
      const double w = percent(s, i) * scale;
      x -= w;
      segment(i, x, w);
      low_total += percent(s, i);
    }
    const double left_end = x;
    x = centre + neutral_half;
    double high_total = 0;
    for (int i = odd ? middle + 1 : middle; i < points; ++i) {
      const double w = percent(s, i) * scale;
      segment(i, x, w);
      x += w;
      high_total += percent(s, i);
    }
    svg.Text(left_end - 5, y + text_y, absl::StrCat(std::lround(low_total), "%"), "end", "total");
    svg.Text(x + 5, y + text_y, absl::StrCat(std::lround(high_total), "%"), "start", "total");
    y += row_height - label_height;
  }
  svg.Line(centre, grid_top - 2, centre, grid_bottom + 2, "axis");
  y = grid_bottom + 14;
  for (double g = 25; g <= extent + 1e-9; g += 25) {
    svg.Text(centre - g * scale, y, absl::StrCat(g, "%"), "middle", "tick");
    svg.Text(centre + g * scale, y, absl::StrCat(g, "%"), "middle", "tick");
  }
  svg.Text(centre, y, "0", "middle", "tick");
  y += 14;
  std::vector<std::pair<std::string, std::string>> legend;
  if (shape != nullptr && rows.size() == 1) {
    // One bar: the legend is the distribution, one line per point with its count and share.
    y += 4;
    for (int i = points - 1; i >= 0; --i) {
      const v1::ValueCount& value = shape->distribution(i);
      svg.Rect(left, y, 12, 12, "key", PointColour(i, points), "");
      svg.Label(left + 18, y + 10.5,
                value.label().empty()
                    ? FormatShort(value.value())
                    : absl::StrCat(FormatShort(value.value()), " ", value.label()),
                34);
      svg.Text(left + 300, y + 10.5,
               absl::StrCat(value.count(), " · ", FormatPercent(value.percent())), "end", "value");
      y += 19;
    }
    return svg.Finish(y + 2, aria_label, "diverging");
  }
  if (shape != nullptr) {
    for (int i = 0; i < points; ++i) {
      const v1::ValueCount& value = shape->distribution(i);
      legend.push_back({value.label().empty()
                            ? FormatShort(value.value())
                            : absl::StrCat(FormatShort(value.value()), " ", value.label()),
                        PointColour(i, points)});
    }
  }
  y = Legend(svg, y, legend);
  return svg.Finish(y, aria_label, "diverging");
}

// A box plot of a number question: whiskers from min to max, the box from Q1 to Q3, the median
// as a line, the mean as a diamond; the five numbers labelled.
std::string BoxPlot(const v1::ScaleStatistics& s, absl::string_view aria_label) {
  Svg svg;
  if (s.answered() == 0 || !s.has_min() || !s.has_max()) {
    svg.Text(0, 18, "No answers yet.", "start", "empty");
    return svg.Finish(28, aria_label);
  }
  double lo = s.min(), hi = s.max();
  if (hi - lo < 1e-12) {
    lo -= 1;
    hi += 1;
  }
  const double x0 = 24, x1 = kChartWidth - 24;
  auto at = [&](double v) { return x0 + (v - lo) / (hi - lo) * (x1 - x0); };
  const double mid = 44;
  svg.Line(at(s.min()), mid, at(s.max()), mid, "whisker");
  svg.Line(at(s.min()), mid - 10, at(s.min()), mid + 10, "whisker");
  svg.Line(at(s.max()), mid - 10, at(s.max()), mid + 10, "whisker");
  if (s.has_first_quartile() && s.has_third_quartile()) {
    svg.Rect(at(s.first_quartile()), mid - 16, at(s.third_quartile()) - at(s.first_quartile()), 32,
             "box", "",
             absl::StrCat("Q1 ", FormatShort(s.first_quartile()), " to Q3 ",
                          FormatShort(s.third_quartile()), " (inclusive method)"));
  }
  if (s.has_median()) {
    svg.Line(at(s.median()), mid - 16, at(s.median()), mid + 16, "median");
    svg.Text(at(s.median()), mid - 22, absl::StrCat("median ", FormatShort(s.median())), "middle");
  }
  if (s.has_mean()) {
    const double m = at(s.mean());
    absl::StrAppend(&svg.body, "<path class=\"mean\" d=\"M", Num(m), " ", Num(mid - 6), " L",
                    Num(m + 6), " ", Num(mid), " L", Num(m), " ", Num(mid + 6), " L", Num(m - 6),
                    " ", Num(mid), " Z\"><title>mean ", FormatFixed(s.mean()), "</title></path>");
  }
  const double label_y = mid + 32;
  svg.Text(at(s.min()), label_y, absl::StrCat("min ", FormatShort(s.min())), "start", "tick");
  svg.Text(at(s.max()), label_y, absl::StrCat("max ", FormatShort(s.max())), "end", "tick");
  if (s.has_first_quartile() && s.has_third_quartile()) {
    const double q1 = at(s.first_quartile()), q3 = at(s.third_quartile());
    const double min_gap = 70;
    if (q1 - at(s.min()) > min_gap && q3 - q1 > min_gap / 2) {
      svg.Text(q1, label_y, absl::StrCat("Q1 ", FormatShort(s.first_quartile())), "middle", "tick");
    }
    if (at(s.max()) - q3 > min_gap && q3 - q1 > min_gap / 2) {
      svg.Text(q3, label_y, absl::StrCat("Q3 ", FormatShort(s.third_quartile())), "middle", "tick");
    }
  }
  return svg.Finish(label_y + 8, aria_label, "boxplot");
}

// Groups of bars, one bar per series (before and after; one per event), scaled 0..100%.
struct Group {
  std::string label;
  std::vector<std::optional<double>> percents;  // one per series
};

std::string GroupedBars(const std::vector<std::string>& series, const std::vector<Group>& groups,
                        absl::string_view aria_label) {
  Svg svg;
  svg.width = kWideChartWidth;  // alone on its line, with long labels (quiz items, options)
  std::vector<std::pair<std::string, std::string>> legend;
  for (size_t i = 0; i < series.size(); ++i) {
    legend.push_back({series[i], kSeries[i % kSeries.size()]});
  }
  double y = Legend(svg, 2, legend) + 6;
  const double max_bar = svg.width - 64;
  const double bar_height = 13;
  for (const Group& group : groups) {
    svg.Label(0, y + 11, group.label, static_cast<int>(svg.width / kCharWidth) - 2);
    y += 17;
    for (size_t i = 0; i < series.size(); ++i) {
      const std::optional<double> p = i < group.percents.size() ? group.percents[i] : std::nullopt;
      const double width = p ? max_bar * std::clamp(*p, 0.0, 100.0) / 100 : 0;
      svg.Rect(0, y, width, bar_height, "bar", kSeries[i % kSeries.size()],
               absl::StrCat(series[i], ": ", FormatPercent(p)));
      svg.Text(width + 5, y + 10.5, FormatPercent(p), "start", "value");
      y += bar_height + 3;
    }
    y += 10;
  }
  return svg.Finish(y, aria_label, "grouped");
}

// --- Page ---------------------------------------------------------------------------------------

constexpr absl::string_view kStyle = R"css(
:root{--ink:#1d2730;--muted:#556270;--rule:#d8dee4;--accent:#1c4e80;--panel:#f3f5f7;--bar:#4a7aa5}
*{box-sizing:border-box}
html{background:#e9edf1}
body{margin:0;color:var(--ink);font:16px/1.55 "Noto Sans","Source Sans Pro","Segoe UI","Helvetica Neue",Arial,"DejaVu Sans",sans-serif;-webkit-text-size-adjust:100%}
main{max-width:1080px;margin:24px auto;background:#fff;padding:40px 56px 48px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1,h2,h3{line-height:1.25;margin:0}
h1{font-size:30px;font-weight:700;margin:.15em 0 .35em}
h2{font-size:21px;font-weight:700;color:var(--accent);margin:40px 0 14px;padding-bottom:6px;border-bottom:2px solid var(--accent)}
h3{font-size:17px;font-weight:650}
p{margin:.4em 0 .8em}
.masthead{border-top:8px solid var(--accent);padding-top:18px}
.eyebrow{font-size:13px;font-weight:650;letter-spacing:.08em;text-transform:uppercase;color:var(--accent);margin:0}
.meta{color:var(--muted);font-size:14px;margin:0}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:14px;margin:26px 0 8px}
.figure{background:var(--panel);border-left:4px solid var(--accent);padding:12px 16px}
.figure b{display:block;font-size:28px;line-height:1.15;font-variant-numeric:tabular-nums}
.figure span{color:var(--muted);font-size:14px}
.highlights ul{list-style:none;padding:0;margin:0}
.highlights li{position:relative;padding:10px 14px 10px 40px;margin:0 0 8px;background:#f6f8fa;border-radius:4px;font-size:17px}
.highlights li:before{content:"";position:absolute;left:16px;top:19px;width:10px;height:10px;border-radius:50%;background:var(--accent)}
.question{padding:26px 0 8px;border-top:1px solid var(--rule);break-inside:avoid}
.question:first-of-type{border-top:0}
.qhead{display:flex;gap:12px;align-items:baseline}
.qnum{flex:none;font-size:13px;font-weight:700;color:#fff;background:var(--accent);border-radius:3px;padding:1px 7px}
.qmeta{color:var(--muted);font-size:14px;margin:6px 0 14px}
.badge{display:inline-block;font-size:12px;font-weight:650;letter-spacing:.03em;text-transform:uppercase;color:var(--accent);border:1px solid #b9c9d9;border-radius:3px;padding:0 6px;margin-right:6px}
.qbody{display:flex;flex-wrap:wrap;gap:20px 36px;align-items:flex-start}
figure{margin:0}
.chart-box{flex:1 1 520px;min-width:0}
.chart-box figcaption{color:var(--muted);font-size:13px;margin-top:6px}
svg.chart{display:block;max-width:100%;height:auto;overflow:visible}
svg.chart text{font-size:12px;fill:#33404d;font-variant-numeric:tabular-nums}
svg.chart text.value,svg.chart text.total{font-weight:650;fill:var(--ink)}
svg.chart text.in{font-size:11px;font-weight:650;fill:var(--ink)}
svg.chart text.in.on-dark{fill:#fff}
svg.chart text.tick{fill:var(--muted);font-size:11px}
svg.chart text.empty{fill:var(--muted);font-style:italic}
svg.chart rect.bar:not([fill]){fill:var(--bar)}
svg.chart rect.bar.correct{fill:#2e7d5b}
svg.chart rect.box{fill:#c9dbea;stroke:var(--accent);stroke-width:1.5}
svg.chart line.axis{stroke:#7b8794;stroke-width:1}
svg.chart line.grid{stroke:#e4e8ec;stroke-width:1}
svg.chart line.whisker{stroke:#33404d;stroke-width:1.5}
svg.chart line.median{stroke:var(--ink);stroke-width:3}
svg.chart path.mean{fill:#fff;stroke:var(--ink);stroke-width:1.5}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
table.stats{flex:0 1 330px;font-size:14px}
table.stats th{text-align:left;font-weight:400;color:var(--muted);padding:4px 16px 4px 0;border-bottom:1px solid var(--rule)}
table.stats td{text-align:right;font-weight:600;padding:4px 0;border-bottom:1px solid var(--rule);white-space:nowrap}
.table-scroll{overflow-x:auto;margin:8px 0 18px}
table.data{min-width:60%;font-size:14px}
table.data caption{text-align:left;color:var(--muted);font-size:13px;padding-bottom:4px}
table.data th{text-align:left;font-weight:650;border-bottom:2px solid var(--ink);padding:6px 10px 6px 0;vertical-align:bottom}
table.data td{border-bottom:1px solid var(--rule);padding:5px 10px 5px 0;vertical-align:top}
table.data .num{text-align:right}
table.data tbody tr:nth-child(even) td{background:#f8f9fb}
td.suppressed,p.withheld{color:var(--muted);font-style:italic}
.quotes{margin:14px 0 0;padding:0;list-style:none}
.quotes li{border-left:3px solid var(--rule);padding:4px 0 4px 14px;margin:0 0 8px;color:#33404d}
.quotes-title{font-size:14px;font-weight:650;color:var(--muted);margin:18px 0 6px}
.note{color:var(--muted);font-size:14px}
.notes ul{padding-left:20px;color:#33404d;font-size:14px}
.notes li{margin:0 0 6px}
.warning{background:#fff6e5;border-left:4px solid #c47a3a;padding:8px 14px}
.twocol{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:8px 36px}
footer{margin-top:36px;color:var(--muted);font-size:13px}
@media (max-width:700px){main{padding:24px 18px;margin:0}}
@media print{html{background:#fff}main{box-shadow:none;margin:0;max-width:none;padding:0}h2{break-after:avoid}}
)css";

std::string Page(absl::string_view title, absl::string_view body) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // Nothing on this page may be fetched: no scripts, fonts, images or frames.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"generator\" content=\"Convene\">\n<title>",
      HtmlEscape(title), "</title>\n<style>", kStyle, "</style>\n</head>\n<body>\n<main>\n", body,
      "</main>\n</body>\n</html>\n");
}

std::string Masthead(absl::string_view eyebrow, absl::string_view title, absl::string_view meta) {
  return absl::StrCat("<header class=\"masthead\">\n<p class=\"eyebrow\">", HtmlEscape(eyebrow),
                      "</p>\n<h1>", HtmlEscape(title), "</h1>\n<p class=\"meta\">",
                      HtmlEscape(meta), "</p>\n</header>\n");
}

// Key figures as cards: (value, what it is).
std::string FigureCards(const std::vector<std::pair<std::string, std::string>>& cards) {
  std::string out = "<section class=\"figures\" aria-label=\"Key figures\">\n";
  for (const auto& [value, label] : cards) {
    absl::StrAppend(&out, "<div class=\"figure\"><b>", HtmlEscape(value), "</b><span>",
                    HtmlEscape(label), "</span></div>\n");
  }
  return absl::StrCat(out, "</section>\n");
}

std::string Highlights(const google::protobuf::RepeatedPtrField<std::string>& highlights) {
  if (highlights.empty()) return "";
  std::string out =
      "<section class=\"highlights\" aria-labelledby=\"highlights\">\n"
      "<h2 id=\"highlights\">Key findings</h2>\n<ul>\n";
  for (const std::string& sentence : highlights) {
    absl::StrAppend(&out, "<li>", HtmlEscape(sentence), "</li>\n");
  }
  return absl::StrCat(out, "</ul>\n</section>\n");
}

std::string StatsTable(const std::vector<Figure>& figures, absl::string_view caption) {
  std::string out =
      absl::StrCat("<table class=\"stats\" aria-label=\"", HtmlEscape(caption), "\"><tbody>\n");
  for (const Figure& figure : figures) {
    absl::StrAppend(&out, "<tr><th scope=\"row\">", HtmlEscape(figure.label), "</th><td>",
                    HtmlEscape(figure.value), "</td></tr>\n");
  }
  return absl::StrCat(out, "</tbody></table>\n");
}

// Whether a cell reads as a figure ("42", "4.25", "85.7%", "+12.5", "2 / 5", "–"), to align it
// right.
bool LooksLikeFigure(absl::string_view cell) {
  if (cell == kAbsent) return true;
  if (cell.empty()) return false;
  bool digit = false;
  for (char c : cell) {
    if (absl::ascii_isdigit(c)) {
      digit = true;
    } else if (absl::string_view(".+-%/ ").find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return digit;
}

// A data table. Columns from `text_columns` on whose cells all read as figures are right-aligned.
// A cell "suppressed ..." spans the rest of its row (the figure columns of a suppressed cell are
// empty).
std::string DataTable(const TextTable& table, size_t text_columns, absl::string_view caption = "") {
  std::vector<bool> numeric(table.header.size(), false);
  for (size_t i = text_columns; i < numeric.size(); ++i) {
    numeric[i] = true;
    for (const auto& row : table.rows) {
      if (i < row.size() && !row[i].empty() && !absl::StartsWith(row[i], "suppressed") &&
          !LooksLikeFigure(row[i])) {
        numeric[i] = false;
      }
    }
  }
  // Wide tables (many options) scroll sideways on narrow screens rather than widen the page.
  std::string out = "<div class=\"table-scroll\"><table class=\"data\">";
  if (!caption.empty()) absl::StrAppend(&out, "<caption>", HtmlEscape(caption), "</caption>");
  out += "<thead><tr>";
  for (size_t i = 0; i < table.header.size(); ++i) {
    absl::StrAppend(&out, "<th scope=\"col\"", numeric[i] ? " class=\"num\"" : "", ">",
                    HtmlEscape(table.header[i]), "</th>");
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      if (i >= text_columns && absl::StartsWith(row[i], "suppressed")) {
        absl::StrAppend(&out, "<td class=\"suppressed\" colspan=\"", table.header.size() - i, "\">",
                        HtmlEscape(row[i]), "</td>");
        break;
      }
      absl::StrAppend(&out, "<td", i < numeric.size() && numeric[i] ? " class=\"num\"" : "", ">",
                      HtmlEscape(row[i]), "</td>");
    }
    out += "</tr>\n";
  }
  return absl::StrCat(out, "</tbody></table></div>\n");
}

std::string Notes(const std::vector<std::string>& notes) {
  std::string out =
      "<section class=\"notes\" aria-labelledby=\"notes\">\n<h2 id=\"notes\">About the "
      "figures</h2>\n<ul>\n";
  for (const std::string& note : notes) absl::StrAppend(&out, "<li>", HtmlEscape(note), "</li>\n");
  return absl::StrCat(out, "</ul>\n</section>\n");
}

// --- Survey -------------------------------------------------------------------------------------

// The chart of one question, by kind.
std::string QuestionChart(const v1::QuestionSummary& question, int number) {
  const std::string name = absl::StrCat("Question ", number, ": ", question.text());
  if (question.kind() == "likert" && question.has_scale()) {
    return DivergingBars({{"", &question.scale(), ""}},
                         absl::StrCat(name, ". Diverging bar of ", question.scale().answered(),
                                      " answers: disagreeing points left of the centre line, "
                                      "agreeing points right"));
  }
  if (question.kind() == "number" && question.has_scale()) {
    return BoxPlot(question.scale(),
                   absl::StrCat(name, ". Box plot of ", question.scale().answered(), " answers"));
  }
  const std::string denominator = SharesDenominator(question);
  std::string empty;
  if (question.has_free_text()) {
    empty = absl::StrCat("No themes coded yet (", question.free_text().uncoded_count(),
                         " answers without a theme).");
  }
  return HorizontalBars(ShareBars(QuestionShares(question), denominator),
                        absl::StrCat(name, ". Bar chart, counts and ", denominator), empty);
}

std::string QuestionMeta(const v1::QuestionSummary& question) {
  if (question.suppressed()) {
    return absl::StrCat("<p class=\"qmeta\"><span class=\"badge\">",
                        HtmlEscape(internal::KindName(question.kind())), "</span>",
                        HtmlEscape(absl::StrCat("key ", question.key())), "</p>\n");
  }
  std::string answered;
  if (question.has_scale()) answered = absl::StrCat(question.scale().answered(), " answers");
  if (question.has_choice()) {
    answered = absl::StrCat(question.choice().respondents(), " respondents");
  }
  if (question.has_free_text()) {
    answered = absl::StrCat(question.free_text().answered(), " answers");
  }
  if (question.has_quiz()) answered = absl::StrCat(question.quiz().answered(), " answers");
  std::vector<std::string> parts;
  if (!answered.empty()) parts.push_back(answered);
  parts.push_back(absl::StrCat(question.missing(), " missing"));
  parts.push_back(absl::StrCat("key ", question.key()));
  return absl::StrCat("<p class=\"qmeta\"><span class=\"badge\">",
                      HtmlEscape(internal::KindName(question.kind())), "</span>",
                      HtmlEscape(absl::StrJoin(parts, " · ")), "</p>\n");
}

std::string CaptionFor(const v1::QuestionSummary& question) {
  if (question.kind() == "likert") {
    return absl::StrCat(SharesDenominator(question),
                        "; totals at the ends exclude the neutral middle point.");
  }
  if (question.kind() == "number") {
    return "Box from Q1 to Q3 (inclusive method), line at the median, diamond at the mean, "
           "whiskers to min and max.";
  }
  if (question.kind() == "multiple-choice") {
    return absl::StrCat(SharesDenominator(question), " (each could tick several options; ",
                        question.choice().selections(), " ticks in all).");
  }
  if (question.has_free_text()) {
    return absl::StrCat(SharesDenominator(question), " (an answer may carry several themes).");
  }
  if (question.has_quiz()) {
    return absl::StrCat(SharesDenominator(question), "; the correct option is in green.");
  }
  return absl::StrCat(SharesDenominator(question), ".");
}

std::string QuestionArticle(const v1::QuestionSummary& question, int number) {
  std::string out = absl::StrCat(
      "<article class=\"question\" id=\"q", number, "\" data-key=\"", HtmlEscape(question.key()),
      "\" aria-labelledby=\"q", number, "-title\">\n",
      "<div class=\"qhead\"><span class=\"qnum\">Q", number, "</span><h3 id=\"q", number,
      "-title\">", HtmlEscape(question.text()), "</h3></div>\n", QuestionMeta(question));
  if (question.suppressed()) {
    absl::StrAppend(&out, "<p class=\"withheld\">",
                    HtmlEscape(WithheldSentence(SuppressedQuestionText(question))),
                    "</p>\n</article>\n");
    return out;
  }
  absl::StrAppend(&out, "<div class=\"qbody\">\n");
  absl::StrAppend(
      &out, "<figure class=\"chart-box\">", QuestionChart(question, number), "<figcaption>",
      HtmlEscape(CaptionFor(question)), "</figcaption></figure>\n",
      StatsTable(QuestionFigures(question), absl::StrCat("Statistics of question ", number)),
      "</div>\n");
  if (question.has_free_text() && question.free_text().uncoded_answers_size() > 0) {
    absl::StrAppend(&out, "<p class=\"quotes-title\">Answers without a theme (",
                    question.free_text().uncoded_answers_size(), ")</p>\n<ul class=\"quotes\">\n");
    for (const std::string& answer : question.free_text().uncoded_answers()) {
      absl::StrAppend(&out, "<li>“", HtmlEscape(answer), "”</li>\n");
    }
    out += "</ul>\n";
  }
  return absl::StrCat(out, "</article>\n");
}

std::string BreakdownSection(const v1::SummarizeSurveyResponse& summary) {
  const std::vector<std::string> by(summary.by().begin(), summary.by().end());
  std::string out = absl::StrCat(
      "<section class=\"breakdown\" aria-labelledby=\"breakdown\">\n<h2 id=\"breakdown\">Breakdown "
      "by ",
      HtmlEscape(internal::JoinDimensions(by)), "</h2>\n");
  if (summary.anonymous()) {
    absl::StrAppend(&out, "<p class=\"note\">",
                    HtmlEscape(internal::SuppressionNote(summary.min_cell_size())), "</p>\n");
  }
  for (int i = 0; i < summary.questions_size(); ++i) {
    const v1::QuestionSummary& question = summary.questions(i);
    const TextTable table = BreakdownTable(summary, i);
    if (table.rows.empty()) continue;
    absl::StrAppend(&out, "<h3 class=\"breakdown-question\">Q", i + 1, ". ",
                    HtmlEscape(question.text()), "</h3>\n");
    if (question.kind() == "likert" && question.has_scale()) {
      std::vector<DivergingRow> rows = {{"All respondents", &question.scale(), ""}};
      for (const v1::BreakdownCell& cell : summary.cells()) {
        std::vector<std::string> values;
        for (int d = 0; d < summary.by_size(); ++d) {
          values.push_back(internal::AttributeValue(d < cell.values_size() ? cell.values(d) : ""));
        }
        DivergingRow row{absl::StrJoin(values, " · "), nullptr, ""};
        if (cell.suppressed()) {
          row.instead = SuppressedText(cell, summary.min_cell_size());
        } else if (const v1::QuestionSummary* q = internal::FindQuestion(cell, question.key());
                   q != nullptr && q->suppressed()) {
          row.instead = SuppressedQuestionText(*q);
        } else if (q != nullptr && q->has_scale()) {
          row.scale = &q->scale();
        }
        rows.push_back(std::move(row));
      }
      absl::StrAppend(
          &out, "<figure class=\"breakdown-chart\">",
          DivergingBars(rows,
                        absl::StrCat("Question ", i + 1, " by ", internal::JoinDimensions(by),
                                     ": diverging bars per cell"),
                        kWideChartWidth),
          "</figure>\n");
    }
    out += DataTable(table, by.size());
  }
  if (summary.has_score() && summary.max_score() > 0) {
    absl::StrAppend(&out, "<h3 class=\"breakdown-question\">Quiz score (out of ",
                    summary.max_score(), ")</h3>\n",
                    DataTable(ScoreBreakdownTable(summary), by.size()));
  }
  return absl::StrCat(out, "</section>\n");
}

}  // namespace

std::string RenderHtml(const v1::SummarizeSurveyResponse& summary) {
  const std::string title = summary.title().empty() ? "Survey report" : summary.title();
  std::vector<std::string> meta;
  if (summary.anonymous()) meta.push_back("Anonymous survey");
  meta.push_back(absl::StrCat("survey ", summary.survey_id()));
  if (!summary.event_id().empty()) meta.push_back(absl::StrCat("event ", summary.event_id()));
  const std::string kind = internal::SurveyKindName(summary.kind());
  std::string body =
      Masthead(absl::StrCat(kind.empty() ? "Survey" : internal::KindName(kind), " report"), title,
               absl::StrJoin(meta, " · "));

  std::vector<std::pair<std::string, std::string>> cards = {
      {absl::StrCat(summary.response_count()),
       summary.response_count() == 1 ? "response" : "responses"}};
  if (summary.token_count() > 0) {
    cards.push_back(
        {FormatPercent(Opt(summary.has_response_rate_tokens(), summary.response_rate_tokens())),
         absl::StrCat("response rate, of ", summary.token_count(), " tokens issued")});
  }
  if (summary.checked_in_count() > 0) {
    cards.push_back({FormatPercent(Opt(summary.has_response_rate_checked_in(),
                                       summary.response_rate_checked_in())),
                     absl::StrCat("of ", summary.checked_in_count(), " participants checked in")});
  }
  if (summary.has_score() && summary.max_score() > 0) {
    cards.push_back(
        {absl::StrCat(FormatFixed(Opt(summary.score().has_mean(), summary.score().mean()), 1),
                      " / ", summary.max_score()),
         "mean quiz score"});
  }
  body += FigureCards(cards);
  body += Highlights(summary.highlights());

  absl::StrAppend(&body,
                  "<section class=\"questions\" aria-labelledby=\"questions\">\n"
                  "<h2 id=\"questions\">Results by question</h2>\n");
  for (int i = 0; i < summary.questions_size(); ++i) {
    body += QuestionArticle(summary.questions(i), i + 1);
  }
  body += "</section>\n";

  if (summary.score_suppressed()) {
    absl::StrAppend(&body,
                    "<section class=\"score\" aria-labelledby=\"score\">\n<h2 id=\"score\">Quiz "
                    "score (out of ",
                    summary.max_score(), ")</h2>\n<p class=\"withheld\">",
                    HtmlEscape(WithheldSentence(SuppressedScoreText(summary.min_cell_size()))),
                    "</p>\n</section>\n");
  } else if (summary.has_score() && summary.max_score() > 0) {
    const v1::ScaleStatistics& score = summary.score();
    std::vector<Share> shares;
    for (const v1::ValueCount& value : score.distribution()) {
      shares.push_back(
          {FormatShort(value.value()), value.count(),
           score.answered() > 0 ? std::optional<double>(value.percent()) : std::nullopt});
    }
    absl::StrAppend(
        &body,
        "<section class=\"score\" aria-labelledby=\"score\">\n<h2 id=\"score\">Quiz score "
        "(out of ",
        summary.max_score(), ")</h2>\n<div class=\"qbody\">\n<figure class=\"chart-box\">",
        HorizontalBars(ShareBars(shares, absl::StrCat("% of ", score.answered(), " scores")),
                       "Quiz scores: bar chart of how many reached each score"),
        "<figcaption>", HtmlEscape(absl::StrCat("% of ", score.answered(), " scores.")),
        "</figcaption></figure>\n",
        StatsTable(ScoreFigures(score, summary.max_score()), "Quiz score"), "</div>\n</section>\n");
  }
  if (!summary.by().empty()) body += BreakdownSection(summary);
  body += Notes(internal::MethodNotes(summary));
  absl::StrAppend(&body, "<footer>Produced by Convene from survey ",
                  HtmlEscape(summary.survey_id()), ".</footer>\n");
  return Page(absl::StrCat(title, " — survey report"), body);
}

std::string RenderHtml(const v1::ComparePrePostResponse& c) {
  std::string body =
      Masthead("Learning gain", "Pre-test and post-test",
               absl::StrCat("pre-test ", c.pre_survey_id(), " · post-test ", c.post_survey_id()));
  std::vector<std::pair<std::string, std::string>> cards = {
      {absl::StrCat(c.pairs()),
       absl::StrCat("people answered both (", c.unpaired_pre(), " only the pre-test, ",
                    c.unpaired_post(), " only the post-test)")}};
  if (!c.suppressed()) {
    cards.push_back({absl::StrCat(FormatFixed(Opt(c.has_mean_pre(), c.mean_pre()), 1), " → ",
                                  FormatFixed(Opt(c.has_mean_post(), c.mean_post()), 1)),
                     absl::StrCat("mean score before → after, out of ", c.max_score())});
    cards.push_back(
        {FormatFixed(Opt(c.has_normalized_gain(), c.normalized_gain())), "normalised gain (Hake)"});
  }
  body += FigureCards(cards);
  body += Highlights(c.highlights());

  if (c.suppressed()) {
    // Withheld (anonymous tests): the counts above, and why there is nothing more.
    absl::StrAppend(
        &body,
        "<section aria-labelledby=\"scores\">\n<h2 id=\"scores\">Scores</h2>\n"
        "<p class=\"withheld\">",
        HtmlEscape(absl::StrCat("No figures: ", SuppressedPrePostText(c.suppressed_reason()),
                                ", as the tests are anonymous.")),
        "</p>\n</section>\n");
  } else {
    const double max = c.max_score() > 0 ? c.max_score() : 1;
    std::vector<BarRow> means;
    for (const auto& [label, has, value] :
         {std::tuple<const char*, bool, double>{"before (pre-test)", c.has_mean_pre(),
                                                c.mean_pre()},
          {"after (post-test)", c.has_mean_post(), c.mean_post()}}) {
      BarRow row;
      row.label = label;
      row.length = has ? value / max : 0;
      row.value = absl::StrCat(FormatFixed(Opt(has, value)), " of ", c.max_score());
      row.tooltip = absl::StrCat("mean score ", label, ": ", row.value);
      row.fill = kSeries[means.size()];
      means.push_back(std::move(row));
    }
    // The pairs and the means are in the cards and the chart; the table gives the rest.
    std::vector<Figure> figures = PrePostFigures(c);
    figures.erase(figures.begin() + 1, figures.begin() + 4);
    absl::StrAppend(&body,
                    "<section aria-labelledby=\"scores\">\n<h2 id=\"scores\">Scores</h2>\n"
                    "<div class=\"qbody\">\n<figure class=\"chart-box\">",
                    HorizontalBars(means, "Mean score before and after, paired by person"),
                    "<figcaption>Means of the ", c.pairs(),
                    " people who answered both tests.</figcaption></figure>\n",
                    StatsTable(figures, "Learning gain"), "</div>\n</section>\n");
  }

  if (!c.items().empty()) {
    std::vector<Group> groups;
    TextTable table{{"item", "question", "% correct before", "% correct after"}, {}};
    for (const v1::PrePostItem& item : c.items()) {
      if (item.suppressed()) {
        // In the table, not in the chart: a withheld item has no bars.
        table.rows.push_back(
            {item.key(), item.text(), SuppressedPrePostText(item.suppressed_reason()), ""});
        continue;
      }
      const auto pre = Opt(item.has_percent_correct_pre(), item.percent_correct_pre());
      const auto post = Opt(item.has_percent_correct_post(), item.percent_correct_post());
      groups.push_back({item.text().empty() ? item.key() : item.text(), {pre, post}});
      table.rows.push_back({item.key(), item.text(), FormatPercent(pre), FormatPercent(post)});
    }
    absl::StrAppend(&body,
                    "<section aria-labelledby=\"items\">\n<h2 id=\"items\">Quiz items</h2>\n");
    if (!groups.empty()) {
      absl::StrAppend(&body, "<figure class=\"chart-box\">",
                      GroupedBars({"before (pre-test)", "after (post-test)"}, groups,
                                  "Percent correct per quiz item, before and after"),
                      "<figcaption>% correct of the answers given to each item.</figcaption>"
                      "</figure>\n");
    }
    absl::StrAppend(&body, DataTable(table, 2), "</section>\n");
  }
  body += Notes(internal::PrePostNotes(c, ""));
  return Page("Learning gain — pre-test and post-test", body);
}

std::string RenderHtml(const v1::SummarizeParticipationResponse& p) {
  const std::string title = p.title().empty() ? p.event_id() : p.title();
  std::string body = Masthead("Participation report", title, absl::StrCat("event ", p.event_id()));
  std::vector<std::pair<std::string, std::string>> cards = {
      {absl::StrCat(p.registered()), "registered"}};
  for (const v1::AttributeCount& status : p.by_status()) {
    cards.push_back({absl::StrCat(status.count()), status.value()});
  }
  cards.push_back({absl::StrCat(p.speakers()), "chairs and speakers"});
  body += FigureCards(cards);
  for (const std::string& warning : p.warnings()) {
    absl::StrAppend(&body, "<p class=\"warning\">", HtmlEscape(warning), "</p>\n");
  }

  auto counts_chart = [](absl::string_view heading, absl::string_view denominator,
                         const google::protobuf::RepeatedPtrField<v1::AttributeCount>& counts) {
    std::vector<Share> shares;
    int total = 0;
    for (const v1::AttributeCount& count : counts) total += count.count();
    for (const v1::AttributeCount& count : counts) {
      shares.push_back({internal::AttributeValue(count.value()), count.count(),
                        total > 0 ? std::optional<double>(count.percent()) : std::nullopt});
    }
    return absl::StrCat(
        "<figure class=\"chart-box\"><h3>", HtmlEscape(heading), "</h3>",
        HorizontalBars(ShareBars(shares, absl::StrCat("% of ", denominator)),
                       absl::StrCat(heading, ": bar chart of counts and % of ", denominator),
                       "None."),
        "<figcaption>", HtmlEscape(absl::StrCat("% of ", denominator, ".")),
        "</figcaption></figure>\n");
  };
  absl::StrAppend(
      &body, "<section aria-labelledby=\"registration\">\n",
      "<h2 id=\"registration\">Registration</h2>\n<div class=\"twocol\">\n",
      counts_chart("By status", absl::StrCat(p.registered(), " registered"), p.by_status()),
      "</div>\n</section>\n");
  int confirmed = 0;
  for (const v1::AttributeCount& count : p.by_gender()) confirmed += count.count();
  const std::string of_confirmed = absl::StrCat(confirmed, " confirmed participants");
  absl::StrAppend(&body, "<section aria-labelledby=\"confirmed\">\n",
                  "<h2 id=\"confirmed\">Confirmed participants</h2>\n<div class=\"twocol\">\n",
                  counts_chart("By gender", of_confirmed, p.by_gender()),
                  counts_chart("By sector", of_confirmed, p.by_sector()),
                  counts_chart("By country", of_confirmed, p.by_country()),
                  counts_chart("By role", of_confirmed, p.by_role()), "</div>\n</section>\n");
  if (!p.attendance().empty()) {
    std::vector<BarRow> days;
    int most = 0;
    for (const v1::DayAttendance& day : p.attendance()) most = std::max(most, day.checked_in());
    TextTable table{{"day", "checked in", "by gender"}, {}};
    for (const v1::DayAttendance& day : p.attendance()) {
      BarRow row;
      row.label = day.day();
      row.length = most > 0 ? static_cast<double>(day.checked_in()) / most : 0;
      row.value = absl::StrCat(day.checked_in());
      row.tooltip = absl::StrCat(day.day(), ": ", day.checked_in(), " checked in");
      days.push_back(std::move(row));
      std::vector<std::string> genders;
      for (const v1::AttributeCount& count : day.by_gender()) {
        genders.push_back(absl::StrCat(internal::AttributeValue(count.value()), " ", count.count(),
                                       " (", FormatPercent(count.percent()), ")"));
      }
      table.rows.push_back({day.day(), absl::StrCat(day.checked_in()),
                            genders.empty() ? std::string(kAbsent) : absl::StrJoin(genders, ", ")});
    }
    absl::StrAppend(&body,
                    "<section aria-labelledby=\"attendance\">\n<h2 id=\"attendance\">Attendance"
                    "</h2>\n<div class=\"twocol\">\n<figure class=\"chart-box\">",
                    HorizontalBars(days, "Attendance: participants checked in per day"),
                    "<figcaption>Participants checked in each day.</figcaption></figure>\n",
                    DataTable(table, 1), "</div>\n</section>\n");
  }
  absl::StrAppend(&body,
                  "<section aria-labelledby=\"speakers\">\n<h2 id=\"speakers\">Speakers and "
                  "chairs</h2>\n<p>",
                  p.speakers(), " distinct chairs and speakers on the agenda.</p>\n",
                  "<div class=\"twocol\">\n",
                  counts_chart("Speakers by gender", absl::StrCat(p.speakers(), " speakers"),
                               p.speakers_by_gender()),
                  "</div>\n</section>\n");
  body +=
      Notes({"Registration counts everyone registered by status; the attribute charts count "
             "the confirmed participants.",
             "Attendance counts participants checked in on each day of the event.",
             "Speakers are the distinct chairs and speakers of the agenda's sessions, reported "
             "sex-disaggregated as UN events are."});
  return Page(absl::StrCat(title, " — participation report"), body);
}

std::string RenderHtml(const v1::CompareEventsResponse& comparison) {
  const v1::QuestionSummary* shape = internal::CompareShape(comparison);
  // What an event without figures shows in place of a bar.
  auto instead = [](const v1::EventQuestion& event) {
    if (event.has_question() && event.question().suppressed()) {
      return SuppressedQuestionText(event.question());
    }
    return std::string(event.has_question() ? kAbsent : "not asked");
  };
  const std::string title =
      shape != nullptr && !shape->text().empty() ? shape->text() : comparison.question_key();
  std::string body = Masthead("Comparison across events", title,
                              absl::StrCat("question ", comparison.question_key(), " · ",
                                           comparison.events_size(), " events"));
  auto event_name = [](const v1::EventQuestion& event) {
    std::string name = event.event_title().empty() ? event.event_id() : event.event_title();
    if (!event.start_date().empty()) absl::StrAppend(&name, " (", event.start_date(), ")");
    return name;
  };
  std::string chart;
  const std::string aria = absl::StrCat("Question ", comparison.question_key(), " per event");
  if (shape != nullptr && shape->kind() == "likert") {
    std::vector<DivergingRow> rows;
    for (const v1::EventQuestion& event : comparison.events()) {
      DivergingRow row{event_name(event), nullptr, ""};
      if (event.has_question() && event.question().has_scale()) {
        row.scale = &event.question().scale();
      } else {
        row.instead = instead(event);
      }
      rows.push_back(std::move(row));
    }
    chart = DivergingBars(rows, absl::StrCat(aria, ": diverging bars"), kWideChartWidth);
  } else if (shape != nullptr && shape->has_scale()) {
    double top = 0;
    for (const v1::EventQuestion& event : comparison.events()) {
      if (!event.has_question() || !event.question().has_scale()) continue;
      const v1::ScaleStatistics& s = event.question().scale();
      if (s.distribution_size() > 0) top = std::max(top, s.distribution().rbegin()->value());
      if (s.has_mean_ci_high()) top = std::max(top, s.mean_ci_high());
      if (s.has_max()) top = std::max(top, s.max());
    }
    std::vector<BarRow> rows;
    for (const v1::EventQuestion& event : comparison.events()) {
      BarRow row;
      row.label = event_name(event);
      if (event.has_question() && event.question().has_scale() &&
          event.question().scale().has_mean()) {
        const v1::ScaleStatistics& s = event.question().scale();
        row.length = top > 0 ? s.mean() / top : 0;
        row.value = absl::StrCat("mean ", FormatFixed(s.mean()), " (n ", s.answered(), ")");
        if (s.has_mean_ci_low() && s.has_mean_ci_high() && top > 0) {
          row.whisker = std::make_pair(s.mean_ci_low() / top, s.mean_ci_high() / top);
        }
      } else {
        row.value = instead(event);
      }
      row.tooltip = absl::StrCat(row.label, ": ", row.value);
      rows.push_back(std::move(row));
    }
    chart = HorizontalBars(rows, absl::StrCat(aria, ": mean with its 95% confidence interval"));
  } else if (shape != nullptr && shape->has_quiz()) {
    std::vector<BarRow> rows;
    for (const v1::EventQuestion& event : comparison.events()) {
      BarRow row;
      row.label = event_name(event);
      std::optional<double> p;
      if (event.has_question() && event.question().has_quiz() &&
          event.question().quiz().has_percent_correct()) {
        p = event.question().quiz().percent_correct();
      }
      row.length = p ? *p / 100 : 0;
      row.value = p ? absl::StrCat(FormatPercent(p), " correct") : instead(event);
      row.tooltip = absl::StrCat(row.label, ": ", row.value);
      rows.push_back(std::move(row));
    }
    chart = HorizontalBars(rows, absl::StrCat(aria, ": percent correct"));
  } else if (shape != nullptr) {
    // Choice options or themes: one group per option or theme, one bar per event.
    std::vector<std::string> series;
    for (const v1::EventQuestion& event : comparison.events()) series.push_back(event_name(event));
    std::vector<Group> groups;
    auto add = [&](const std::string& key, const std::string& label) {
      Group group{label, {}};
      for (const v1::EventQuestion& event : comparison.events()) {
        std::optional<double> p;
        if (event.has_question()) {
          const v1::QuestionSummary& q = event.question();
          if (q.has_choice() && q.choice().respondents() > 0) {
            for (const v1::OptionCount& o : q.choice().options()) {
              if (o.key() == key) p = o.percent();
            }
          }
          if (q.has_free_text() && q.free_text().answered() > 0) {
            p = 0;
            for (const v1::ThemeCount& t : q.free_text().themes()) {
              if (t.code() == key) p = t.percent();
            }
          }
        }
        group.percents.push_back(p);
      }
      groups.push_back(std::move(group));
    };
    if (shape->has_choice()) {
      for (const v1::OptionCount& o : shape->choice().options()) {
        add(o.key(), o.label().empty() ? o.key() : o.label());
      }
    } else if (shape->has_free_text()) {
      std::vector<std::string> codes;
      for (const v1::EventQuestion& event : comparison.events()) {
        if (!event.has_question() || !event.question().has_free_text()) continue;
        for (const v1::ThemeCount& t : event.question().free_text().themes()) {
          if (std::find(codes.begin(), codes.end(), t.code()) == codes.end()) {
            codes.push_back(t.code());
          }
        }
      }
      for (const std::string& code : codes) add(code, code);
    }
    chart = GroupedBars(series, groups, absl::StrCat(aria, ": % of respondents per event"));
  }
  if (!chart.empty()) {
    absl::StrAppend(&body, "<section aria-labelledby=\"trend\">\n<h2 id=\"trend\">",
                    shape != nullptr ? HtmlEscape(internal::KindName(shape->kind())) : "",
                    " question across events</h2>\n<figure class=\"chart-box\">", chart,
                    "</figure>\n</section>\n");
  }
  absl::StrAppend(&body,
                  "<section aria-labelledby=\"figures\">\n<h2 id=\"figures\">Figures per "
                  "event</h2>\n",
                  DataTable(CompareEventsTable(comparison), 3), "</section>\n");
  body += Notes({"Each event's figures come from its latest survey that asks the question.",
                 "Percentages are of that survey's answers (scales, quiz items) or respondents "
                 "(choice options, themes)."});
  return Page(absl::StrCat(title, " — comparison across events"), body);
}

}  // namespace convene::aggregation
