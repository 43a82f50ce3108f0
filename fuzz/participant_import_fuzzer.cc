// A participant spreadsheet (`convene participant import`): the CLI splits the file with ParseCsv
// and sends header and rows; registration maps the header (ImportLayout::FromHeader) and reads
// each row (ImportLayout::ParseRow). Records with bytes that are not UTF-8 are left out: they
// cannot travel in a proto3 string, so the service never sees them.
//
// A row read without errors must be a participant that NormalizeParticipant accepts unchanged
// (it is stored as it is), with name, email and an alpha-2 country; errors name a field.
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

namespace {

namespace rv1 = ::convene::registration::v1;
using ::convene::registration::ImportLayout;

bool AllUtf8(const std::vector<std::string>& cells) {
  for (const std::string& cell : cells) {
    if (!convene::fuzz::IsUtf8(cell)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<convene::CsvRecord>> records = convene::ParseCsv(text);
  if (!records.ok() || records->empty() || !AllUtf8((*records)[0].cells)) return 0;
  absl::StatusOr<ImportLayout> layout = ImportLayout::FromHeader((*records)[0].cells);
  if (!layout.ok()) {
    CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(layout.status()), layout.status().ToString());
    return 0;
  }
  CONVENE_FUZZ_CHECK(layout->column_count() == (*records)[0].cells.size(), "columns lost");
  for (size_t r = 1; r < records->size(); ++r) {
    const convene::CsvRecord& record = (*records)[r];
    if (!AllUtf8(record.cells)) continue;
    rv1::Participant p;
    const std::vector<rv1::RowError> errors =
        layout->ParseRow(convene::fuzz::MakeRow<rv1::ImportRow>(record.line, record.cells), p);
    for (const rv1::RowError& error : errors) {
      CONVENE_FUZZ_CHECK(error.line() == record.line && !error.field().empty() &&
                             !error.reason().empty(),
                         "a row error without line or field: " + error.ShortDebugString());
    }
    if (!errors.empty()) continue;
    CONVENE_FUZZ_CHECK(!p.name().empty() && !p.email().empty(), "no name or email: " + p.ShortDebugString());
    CONVENE_FUZZ_CHECK(convene::registration::NormalizeCountry(p.country()) == p.country(),
                       "country not an alpha-2 code: " + p.ShortDebugString());
    rv1::Participant again = p;
    const absl::Status status = convene::registration::NormalizeParticipant(again);
    CONVENE_FUZZ_CHECK(status.ok(), "a row read without errors is refused: " + status.ToString());
    CONVENE_FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(again, p),
                       "normalising a read row changed it: " + p.ShortDebugString());
    std::string bytes;
    rv1::Participant parsed;
    CONVENE_FUZZ_CHECK(p.SerializeToString(&bytes) && parsed.ParseFromString(bytes),
                       "a read row cannot be stored and read back: " + p.ShortDebugString());
  }
  return 0;
}
