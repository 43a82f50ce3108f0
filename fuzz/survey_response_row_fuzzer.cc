// The responses CSV (`convene survey import`): the CLI splits the file with ParseCsv and sends the
// header and rows; the survey service maps the header onto the survey (ResponseLayout::FromHeader)
// and reads each row (ResponseLayout::ParseRow). Here the first record is the header when the
// demo's evaluation accepts it, else every record is a row under a header of all its questions and
// the four attribute columns. Records with bytes that are not UTF-8 are left out: they cannot
// travel in a proto3 string, so the service never sees them.
//
// A row read without errors must hold answers that ValidateAnswers accepts unchanged and
// attributes in registration's stored forms; every error names the row's line and a field.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/common/csv.h"
#include "services/registration/countries.h"
#include "services/registration/rules.h"
#include "services/survey/survey_rules.h"

namespace {

namespace sv = ::convene::survey::v1;
using ::convene::survey::ResponseLayout;
using ::google::protobuf::util::MessageDifferencer;

std::vector<std::string> FullHeader(const sv::Survey& survey) {
  std::vector<std::string> header;
  for (const sv::Question& q : survey.questions()) header.push_back(q.key());
  for (const char* attribute : {"_country", "_sector", "_gender", "_role"}) {
    header.push_back(attribute);
  }
  return header;
}

bool AllUtf8(const std::vector<std::string>& cells) {
  for (const std::string& cell : cells) {
    if (!convene::fuzz::IsUtf8(cell)) return false;
  }
  return true;
}

template <typename Parse>
void CheckDisplay(const std::string& value, Parse parse, absl::string_view what) {
  if (value.empty()) return;
  CONVENE_FUZZ_CHECK(parse(value).ok(), absl::StrCat(what, " \"", value, "\" is not one"));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  convene::fuzz::DemoEvaluation();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const sv::Survey& survey = convene::fuzz::DemoEvaluation();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<convene::CsvRecord>> records = convene::ParseCsv(text);
  if (!records.ok() || records->empty()) return 0;

  size_t first_row = 0;
  absl::StatusOr<ResponseLayout> layout = absl::UnknownError("no header yet");
  if (AllUtf8((*records)[0].cells)) {
    layout = ResponseLayout::FromHeader(survey, (*records)[0].cells);
    if (layout.ok()) {
      first_row = 1;
    } else {
      CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(layout.status()), layout.status().ToString());
    }
  }
  if (!layout.ok()) layout = ResponseLayout::FromHeader(survey, FullHeader(survey));
  CONVENE_FUZZ_CHECK(layout.ok(), layout.status().ToString());

  for (size_t r = first_row; r < records->size(); ++r) {
    const convene::CsvRecord& record = (*records)[r];
    if (!AllUtf8(record.cells)) continue;
    std::vector<sv::Answer> answers;
    sv::RespondentAttributes attributes;
    const std::vector<sv::RowError> errors = layout->ParseRow(
        convene::fuzz::MakeRow<sv::ImportRow>(record.line, record.cells), answers, attributes);
    for (const sv::RowError& error : errors) {
      CONVENE_FUZZ_CHECK(error.line() == record.line && !error.field().empty() &&
                             !error.reason().empty(),
                         "a row error without line or field: " + error.ShortDebugString());
    }
    if (!errors.empty()) continue;

    std::vector<sv::Answer> again = answers;
    const absl::Status status = convene::survey::ValidateAnswers(survey, again);
    CONVENE_FUZZ_CHECK(status.ok(), "a row read without errors holds answers the service refuses: " +
                                        status.ToString());
    CONVENE_FUZZ_CHECK(again.size() == answers.size(), "validating a read row dropped answers");
    for (size_t i = 0; i < again.size(); ++i) {
      CONVENE_FUZZ_CHECK(MessageDifferencer::Equals(again[i], answers[i]),
                         "validating a read row changed " + answers[i].ShortDebugString());
    }
    if (!attributes.country().empty()) {
      CONVENE_FUZZ_CHECK(
          !convene::registration::CountryName(attributes.country()).empty() &&
              convene::registration::NormalizeCountry(attributes.country()) == attributes.country(),
          "country \"" + attributes.country() + "\" is not an alpha-2 code");
    }
    CheckDisplay(attributes.sector(), convene::registration::ParseSector, "sector");
    CheckDisplay(attributes.gender(), convene::registration::ParseGender, "gender");
    CheckDisplay(attributes.role(), convene::registration::ParseRole, "role");
  }
  return 0;
}
