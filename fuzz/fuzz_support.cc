#include "fuzz/fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/csv.h"
#include "services/registration/rules.h"
#include "services/survey/survey_rules.h"

namespace convene::fuzz {

void Fail(const char* file, int line, absl::string_view what) {
  std::fprintf(stderr, "\n==== fuzz property failed at %s:%d\n%.*s\n", file, line,
               static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

void QuietProtobuf() { google::protobuf::SetLogHandler(nullptr); }

std::string SourceFile(absl::string_view relative_path) {
  const char* from_env = std::getenv("CONVENE_SOURCE_DIR");
  const std::string root = from_env != nullptr && *from_env != '\0' ? from_env : CONVENE_SOURCE_DIR;
  const std::string path = absl::StrCat(root, "/", relative_path);
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  if (!file) Fail(__FILE__, __LINE__, absl::StrCat("cannot read ", path));
  return text.str();
}

bool IsUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    int extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
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
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

const registration::v1::Event& DemoEvent() {
  static const registration::v1::Event* event = [] {
    auto* e = new registration::v1::Event;
    e->set_id("evt_demo");
    e->set_title("Regional dialogue on corruption and human rights");
    e->set_city("Kuala Lumpur");
    e->set_country("MY");
    e->set_time_zone("Asia/Kuala_Lumpur");
    e->set_start_date("2024-10-01");
    e->set_end_date("2024-10-02");
    e->set_capacity(45);
    return e;
  }();
  return *event;
}

std::vector<registration::v1::Participant> DemoParticipants(int checked_in) {
  static const std::vector<registration::v1::Participant>* all = [] {
    auto* people = new std::vector<registration::v1::Participant>;
    auto records = ParseCsv(SourceFile("deploy/demo/participants.csv"));
    if (!records.ok() || records->empty()) Fail(__FILE__, __LINE__, "participants.csv");
    auto layout = registration::ImportLayout::FromHeader((*records)[0].cells);
    if (!layout.ok()) Fail(__FILE__, __LINE__, layout.status().ToString());
    for (size_t i = 1; i < records->size(); ++i) {
      const CsvRecord& record = (*records)[i];
      registration::v1::Participant p;
      auto errors = layout->ParseRow(
          MakeRow<registration::v1::ImportRow>(record.line, record.cells), p);
      if (!errors.empty()) Fail(__FILE__, __LINE__, errors[0].DebugString());
      p.set_id(absl::StrCat("par_", people->size() + 1));
      p.set_event_id("evt_demo");
      p.set_status(registration::v1::PARTICIPANT_STATUS_CONFIRMED);
      p.set_arrival(static_cast<int>(people->size()) + 1);
      people->push_back(std::move(p));
    }
    return people;
  }();
  std::vector<registration::v1::Participant> people = *all;
  for (int i = 0; i < checked_in && i < static_cast<int>(people.size()); ++i) {
    people[i].add_check_in_days("2024-10-01");
  }
  return people;
}

namespace {

survey::v1::Survey LoadSurvey(absl::string_view file, absl::string_view id) {
  auto survey = survey::ParseSurveyDefinition(SourceFile(file));
  if (!survey.ok()) Fail(__FILE__, __LINE__, survey.status().ToString());
  survey->set_id(std::string(id));
  survey->set_event_id("evt_demo");
  const absl::Status normal = survey::NormalizeSurvey(*survey);
  if (!normal.ok()) Fail(__FILE__, __LINE__, normal.ToString());
  return *std::move(survey);
}

}  // namespace

const survey::v1::Survey& DemoEvaluation() {
  static const survey::v1::Survey* survey =
      new survey::v1::Survey(LoadSurvey("deploy/demo/evaluation.json", "srv_eval"));
  return *survey;
}

const survey::v1::Survey& DemoPretest() {
  static const survey::v1::Survey* survey =
      new survey::v1::Survey(LoadSurvey("deploy/demo/pretest.json", "srv_pre"));
  return *survey;
}

const survey::v1::Codebook& DemoCodebook() {
  static const survey::v1::Codebook* codebook = [] {
    auto* c = new survey::v1::Codebook;
    auto parsed =
        google::protobuf::util::JsonStringToMessage(SourceFile("deploy/demo/codebook.json"), c);
    if (!parsed.ok()) Fail(__FILE__, __LINE__, parsed.ToString());
    return c;
  }();
  return *codebook;
}

}  // namespace convene::fuzz
