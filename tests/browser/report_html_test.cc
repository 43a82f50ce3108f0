// The HTML reports as a real browser shows them: Debian's Chromium, headless, opens the file and
// dumps the document after parsing and layout. A copy of the page gets a small probe script (the
// report itself has none, and its Content-Security-Policy would refuse one) that records what the
// browser computed: the text people see, every chart and its bars, the statistics tables and where
// they sit, text that spills out of a chart, and any fetch. The test fails, saying so, when
// Chromium is not installed: deploy/install-deps.sh installs it.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/aggregation/render.h"
#include "services/aggregation/report_samples.h"
#include "services/common/testing/process.h"

namespace convene::aggregation {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Where the chromium binary is ($CONVENE_CHROMIUM, else on the PATH), or "".
std::string FindChromium() {
  if (const char* explicit_path = std::getenv("CONVENE_CHROMIUM")) {
    return access(explicit_path, X_OK) == 0 ? explicit_path : "";
  }
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "/usr/bin:/bin", ':')) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const std::string candidate = absl::StrCat(dir, "/", name);
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "";
}

constexpr absl::string_view kNoChromium =
    "Chromium is not installed, so the HTML reports cannot be checked in a browser: install "
    "Debian's chromium package (deploy/install-deps.sh does), or set CONVENE_CHROMIUM to the "
    "binary";

// What the probe records, as JSON in <pre id="probe">.
constexpr absl::string_view kProbe = R"js(<script>
(function () {
  const out = {};
  const box = (e) => e.getBoundingClientRect();
  out.questions = Array.from(document.querySelectorAll('article.question')).map((a) => {
    const svg = a.querySelector('svg');
    const chart = box(a.querySelector('figure.chart-box'));
    const table = box(a.querySelector('table.stats'));
    const stats = {};
    a.querySelectorAll('table.stats tr').forEach((tr) => {
      stats[tr.cells[0].innerText.trim()] = tr.cells[1].innerText.trim();
    });
    const visible = (selector) => Array.from(a.querySelectorAll(selector))
        .filter((r) => box(r).width > 0.5 && box(r).height > 0.5).length;
    return {
      key: a.dataset.key,
      svgs: a.querySelectorAll('svg').length,
      segments: a.querySelectorAll('svg rect.seg').length,
      visibleSegments: visible('svg rect.seg'),
      bars: a.querySelectorAll('svg rect.bar').length,
      visibleBars: visible('svg rect.bar'),
      boxes: visible('svg rect.box'),
      swatches: a.querySelectorAll('svg rect.key').length,
      title: svg ? svg.querySelector('title').textContent : '',
      ariaLabel: svg ? svg.getAttribute('aria-label') : '',
      chartWidth: svg ? box(svg).width : 0,
      chartHeight: svg ? box(svg).height : 0,
      besideTable: chart.right <= table.left + 1 && chart.top < table.bottom &&
                   table.top < chart.bottom,
      stats: stats,
    };
  });
  out.overflow = [];
  document.querySelectorAll('svg').forEach((svg) => {
    const r = box(svg);
    svg.querySelectorAll('text').forEach((t) => {
      const b = box(t);
      if (b.width > 0 && (b.left < r.left - 2 || b.right > r.right + 2)) {
        out.overflow.push(t.textContent);
      }
    });
  });
  out.highlights = Array.from(document.querySelectorAll('.highlights li'))
      .map((li) => li.innerText.trim());
  out.suppressed = Array.from(document.querySelectorAll('td.suppressed'))
      .map((td) => td.innerText.trim());
  out.text = document.body.innerText;
  out.svgs = document.querySelectorAll('svg').length;
  out.scripts = document.scripts.length;
  out.resources = performance.getEntriesByType('resource').length;
  out.pageWidth = document.documentElement.scrollWidth;
  out.windowWidth = window.innerWidth;
  out.tooWide = Array.from(document.querySelectorAll('main *'))
      .filter((e) => box(e).right > window.innerWidth + 1 && !e.closest('.table-scroll'))
      .slice(0, 8).map((e) => e.tagName.toLowerCase() + '.' + e.getAttribute('class'));
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>)js";

class ReportHtmlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    dir_ = testing::MakeTempDir("report-html");
    ASSERT_FALSE(dir_.empty());
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Chromium's document after loading `path`, or a failed expectation.
  std::string DumpDom(const std::string& path, int width = 1200) {
    testing::CommandResult result =
        testing::RunCommand({"/usr/bin/timeout", "120", chromium_, "--headless", "--no-sandbox",
                             "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             absl::StrCat("--user-data-dir=", dir_, "/profile"),
                             absl::StrCat("--window-size=", width, ",900"), "--dump-dom",
                             absl::StrCat("file://", path)});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }

  // The probe's record of `html` as the browser laid it out `width` pixels wide.
  Struct Probe(const std::string& name, const std::string& html, int width = 1200) {
    // Let the probe run (and nothing else: no fetch is allowed still).
    std::string probed =
        absl::StrReplaceAll(html, {{"style-src 'unsafe-inline'\"",
                                    "style-src 'unsafe-inline'; script-src "
                                    "'unsafe-inline'\""},
                                   {"</body>", absl::StrCat(kProbe, "\n</body>")}});
    const std::string dom = DumpDom(Write(name, probed), width);
    const size_t start = dom.find("<pre id=\"probe\">");
    const size_t end = dom.find("</pre>", start);
    Struct probe;
    if (start == std::string::npos || end == std::string::npos) {
      ADD_FAILURE() << "the probe recorded nothing; the page as Chromium saw it:\n"
                    << dom.substr(0, 2000);
      return probe;
    }
    const std::string json =
        absl::StrReplaceAll(dom.substr(start + 16, end - start - 16),
                            {{"&lt;", "<"}, {"&gt;", ">"}, {"&nbsp;", "\u00a0"}, {"&amp;", "&"}});
    const auto status = google::protobuf::util::JsonStringToMessage(json, &probe);
    EXPECT_TRUE(status.ok()) << status << "\n" << json.substr(0, 2000);
    return probe;
  }

  std::string chromium_;
  std::string dir_;
};

const Value& Field(const Struct& s, const std::string& name) {
  static const Value* const kNull = new Value();
  auto it = s.fields().find(name);
  return it == s.fields().end() ? *kNull : it->second;
}

int Number(const Struct& s, const std::string& name) {
  return static_cast<int>(Field(s, name).number_value());
}

std::vector<std::string> Strings(const Value& list) {
  std::vector<std::string> out;
  for (const Value& v : list.list_value().values()) out.push_back(v.string_value());
  return out;
}

TEST_F(ReportHtmlTest, ChromiumShowsTheSurveyReport) {
  ASSERT_FALSE(chromium_.empty()) << kNoChromium;
  const v1::SummarizeSurveyResponse summary = SampleSurveySummary(/*by_country=*/true);
  const Struct probe = Probe("survey.html", RenderReport(summary, ReportFormat::kHtml));

  // Nothing was fetched, and the participant's "<script>" is text on the page, not a script.
  EXPECT_EQ(Number(probe, "resources"), 0);
  EXPECT_EQ(Number(probe, "scripts"), 1);  // the probe
  const std::string text = Field(probe, "text").string_value();
  EXPECT_THAT(text, HasSubstr("“<script>alert('the organisers')</script> The group work on "
                              "whistle-blower protection.”"));
  EXPECT_THAT(text, HasSubstr("42 responses"));
  EXPECT_THAT(text, HasSubstr("of 51 tokens issued"));

  // The sentences a reader can lift into a report, first.
  EXPECT_THAT(
      Strings(Field(probe, "highlights")),
      ::testing::ElementsAreArray(summary.highlights().begin(), summary.highlights().end()));
  EXPECT_LT(text.find("Out of 32 responses, 38% named peer experience sharing"),
            text.find("Results by question"));

  // One chart per question, beside its statistics table, with one bar per value, option or theme
  // (a segment per point for Likert), each visible when its count is not 0.
  const auto& questions = Field(probe, "questions").list_value().values();
  ASSERT_EQ(questions.size(), static_cast<size_t>(summary.questions_size()));
  for (int i = 0; i < summary.questions_size(); ++i) {
    const v1::QuestionSummary& question = summary.questions(i);
    const Struct& seen = questions[i].struct_value();
    SCOPED_TRACE(question.key());
    EXPECT_EQ(Field(seen, "key").string_value(), question.key());
    EXPECT_EQ(Number(seen, "svgs"), 1);
    EXPECT_THAT(Field(seen, "title").string_value(), HasSubstr(question.text()));
    EXPECT_THAT(Field(seen, "ariaLabel").string_value(), HasSubstr(question.text()));
    EXPECT_GT(Number(seen, "chartWidth"), 400);
    EXPECT_GT(Number(seen, "chartHeight"), 40);
    EXPECT_TRUE(Field(seen, "besideTable").bool_value());
    int nonzero = 0;
    for (const Share& share : QuestionShares(question)) nonzero += share.count > 0;
    if (question.kind() == "likert") {
      EXPECT_EQ(Number(seen, "segments"), 5);
      EXPECT_EQ(Number(seen, "visibleSegments"), nonzero);
      EXPECT_EQ(Number(seen, "swatches"), 5);
    } else if (question.kind() == "number") {
      EXPECT_EQ(Number(seen, "boxes"), 1);
    } else {
      EXPECT_EQ(Number(seen, "bars"), static_cast<int>(QuestionShares(question).size()));
      EXPECT_EQ(Number(seen, "visibleBars"), nonzero);
    }
  }
  auto stats = [&](int question) {
    std::map<std::string, std::string> out;
    for (const auto& [label, value] :
         Field(questions[question].struct_value(), "stats").struct_value().fields()) {
      out[label] = value.string_value();
    }
    return out;
  };
  EXPECT_EQ(stats(0)["mean"], "4.24");
  EXPECT_EQ(stats(0)["95% CI of the mean"], "3.98 to 4.49");
  EXPECT_EQ(stats(0)["Q1 / Q3 (inclusive method)"], "4 / 5");
  EXPECT_EQ(stats(0)["top-two-box (top two points)"], "85.7%");
  EXPECT_EQ(stats(2)["net promoter score"], "+42.5");
  EXPECT_EQ(stats(6)["standard deviation (sample)"], "12.07");
  EXPECT_EQ(stats(8)["% correct"], "77.5%");

  // The breakdown shows suppressed cells as such.
  EXPECT_THAT(Strings(Field(probe, "suppressed")), ::testing::Contains("suppressed (< 5)"));
  EXPECT_THAT(Strings(Field(probe, "suppressed")),
              ::testing::Contains("suppressed (complementary)"));
  // No label runs out of its chart, and the page is no wider than the window.
  EXPECT_THAT(Strings(Field(probe, "overflow")), IsEmpty());
  EXPECT_LE(Number(probe, "pageWidth"), Number(probe, "windowWidth"));
}

TEST_F(ReportHtmlTest, ChartsStayReadableOnANarrowScreen) {
  ASSERT_FALSE(chromium_.empty()) << kNoChromium;
  const Struct probe =
      Probe("narrow.html", RenderReport(SampleSurveySummary(true), ReportFormat::kHtml), 420);
  EXPECT_THAT(Strings(Field(probe, "overflow")), IsEmpty());
  // (Chromium may keep its window somewhat wider than asked.)
  EXPECT_LT(Number(probe, "windowWidth"), 600);
  EXPECT_LE(Number(probe, "pageWidth"), Number(probe, "windowWidth"))
      << ::testing::PrintToString(Strings(Field(probe, "tooWide")));
  for (const Value& question : Field(probe, "questions").list_value().values()) {
    EXPECT_GT(Number(question.struct_value(), "chartWidth"), 300);
  }
}

TEST_F(ReportHtmlTest, TheParsedPageHasOneSvgPerQuestionAndNoScript) {
  ASSERT_FALSE(chromium_.empty()) << kNoChromium;
  const v1::SummarizeSurveyResponse summary = SampleSurveySummary(true);
  // The page exactly as written, its Content-Security-Policy in force.
  const std::string dom =
      DumpDom(Write("as-written.html", RenderReport(summary, ReportFormat::kHtml)));
  EXPECT_THAT(dom, ::testing::Not(HasSubstr("<script")));
  std::vector<std::string> articles = absl::StrSplit(dom, "<article class=\"question\"");
  ASSERT_EQ(articles.size(), static_cast<size_t>(summary.questions_size()) + 1);
  for (int i = 0; i < summary.questions_size(); ++i) {
    const std::string article = articles[i + 1].substr(0, articles[i + 1].find("</article>"));
    int svgs = 0;
    for (size_t at = article.find("<svg"); at != std::string::npos;
         at = article.find("<svg", at + 1)) {
      ++svgs;
    }
    EXPECT_EQ(svgs, 1) << summary.questions(i).key();
  }
}

TEST_F(ReportHtmlTest, ChromiumShowsTheOtherReports) {
  ASSERT_FALSE(chromium_.empty()) << kNoChromium;
  struct Case {
    std::string name;
    std::string html;
    int svgs;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"prepost.html", RenderReport(SamplePrePost(), ReportFormat::kHtml), 2,
       "95% CI of the mean gain\t2.05 to 3.29"},
      {"prepost-withheld.html", RenderReport(SamplePrePostWithheld(), ReportFormat::kHtml), 0,
       "No figures: suppressed (fewer than 5 took only the pre-test), as the tests are "
       "anonymous."},
      {"participation.html", RenderReport(SampleParticipation(), ReportFormat::kHtml), 7,
       "9 distinct chairs and speakers on the agenda."},
      {"compare.html", RenderReport(SampleCompareEvents(), ReportFormat::kHtml), 1,
       "Regional dialogue, Kuala Lumpur"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Struct probe = Probe(c.name, c.html);
    EXPECT_EQ(Number(probe, "svgs"), c.svgs);
    EXPECT_EQ(Number(probe, "resources"), 0);
    EXPECT_THAT(Strings(Field(probe, "overflow")), IsEmpty());
    EXPECT_THAT(Field(probe, "text").string_value(), HasSubstr(c.text));
  }
}

TEST_F(ReportHtmlTest, ScreenshotOfTheSurveyReport) {
  ASSERT_FALSE(chromium_.empty()) << kNoChromium;
  const std::string page =
      Write("survey.html", RenderReport(SampleSurveySummary(true), ReportFormat::kHtml));
  // Kept where CONVENE_REPORT_SCREENSHOT says, to look at; else in the test's folder.
  const char* wanted = std::getenv("CONVENE_REPORT_SCREENSHOT");
  const std::string png = wanted ? wanted : absl::StrCat(dir_, "/survey.png");
  testing::CommandResult result = testing::RunCommand(
      {"/usr/bin/timeout", "120", chromium_, "--headless", "--no-sandbox", "--disable-gpu",
       "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
       absl::StrCat("--user-data-dir=", dir_, "/profile"), "--window-size=1200,2400",
       absl::StrCat("--screenshot=", png), absl::StrCat("file://", page)});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream file(png, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  const std::string image = bytes.str();
  ASSERT_GT(image.size(), 50000u) << "a blank page?";
  EXPECT_EQ(image.substr(0, 8), "\x89PNG\r\n\x1a\n");
  std::cout << "screenshot: " << png << "\n";
}

}  // namespace
}  // namespace convene::aggregation
