// aggregation_report_samples DIR: writes the sample reports (report_samples.h) in every format to
// DIR (survey.md, survey.csv, survey.html, prepost.*, prepost-withheld.*, participation.*,
// compare.*), to look at them in a browser or a spreadsheet.
#include <fstream>
#include <iostream>
#include <string>

#include "services/aggregation/render.h"
#include "services/aggregation/report_samples.h"

namespace {

template <typename Message>
bool WriteAll(const std::string& dir, const std::string& name, const Message& message) {
  using convene::aggregation::ReportFormat;
  for (const auto& [format, extension] :
       {std::pair{ReportFormat::kMarkdown, ".md"}, std::pair{ReportFormat::kCsv, ".csv"},
        std::pair{ReportFormat::kHtml, ".html"}}) {
    const std::string path = dir + "/" + name + extension;
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << convene::aggregation::RenderReport(message, format);
    file.close();
    if (!file) {
      std::cerr << "error: cannot write " << path << "\n";
      return false;
    }
    std::cout << path << "\n";
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: aggregation_report_samples DIR\n";
    return 2;
  }
  namespace agg = convene::aggregation;
  const std::string dir = argv[1];
  const bool ok = WriteAll(dir, "survey", agg::SampleSurveySummary(/*by_country=*/true)) &&
                  WriteAll(dir, "prepost", agg::SamplePrePost()) &&
                  WriteAll(dir, "prepost-withheld", agg::SamplePrePostWithheld()) &&
                  WriteAll(dir, "participation", agg::SampleParticipation()) &&
                  WriteAll(dir, "compare", agg::SampleCompareEvents());
  return ok ? 0 : 1;
}
