// What the fuzz targets share: a quiet protobuf, a check that ends the run with a message (libFuzzer
// then saves the input as a crash), and the demo's own data (deploy/demo) as the fixed side of
// each target: the event, its participants and the evaluation survey.
//
// The demo files are read once, from the source tree the targets were built from
// (CONVENE_SOURCE_DIR), or from $CONVENE_SOURCE_DIR when set.
#ifndef CONVENE_FUZZ_FUZZ_SUPPORT_H_
#define CONVENE_FUZZ_FUZZ_SUPPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "convene/registration/v1/registration.pb.h"
#include "convene/survey/v1/survey.pb.h"

namespace convene::fuzz {

// Ends the run (abort) with `what` on stderr when `condition` is false: a property the code under
// test promises did not hold.
#define CONVENE_FUZZ_CHECK(condition, what)                               \
  do {                                                                    \
    if (!(condition)) ::convene::fuzz::Fail(__FILE__, __LINE__, (what)); \
  } while (0)

[[noreturn]] void Fail(const char* file, int line, absl::string_view what);

// Silences protobuf's log (it logs every string with invalid UTF-8 it refuses to parse).
void QuietProtobuf();

// A file of the source tree, e.g. "deploy/demo/evaluation.json"; aborts when it cannot be read.
std::string SourceFile(absl::string_view relative_path);

// Well-formed UTF-8 (no overlong forms or surrogates): what a proto3 string field holds, so what a
// service can receive in one. Text a client sends as a string field must pass this.
bool IsUtf8(absl::string_view text);

// The demo's event: "evt_demo", Kuala Lumpur, 2024-10-01 to 2024-10-02, Asia/Kuala_Lumpur, 45 seats.
const registration::v1::Event& DemoEvent();

// The participants of deploy/demo/participants.csv as registration stores them: ids "par_1"...,
// event "evt_demo", confirmed, arrival in file order; the first `checked_in` of them checked in on
// the first day.
std::vector<registration::v1::Participant> DemoParticipants(int checked_in = 0);

// deploy/demo/evaluation.json (and pretest.json), read and normalised as the service would:
// id "srv_eval" ("srv_pre"), event "evt_demo".
const survey::v1::Survey& DemoEvaluation();
const survey::v1::Survey& DemoPretest();

// deploy/demo/codebook.json.
const survey::v1::Codebook& DemoCodebook();

// The record/row fields of a string: the cells of a CSV record as an ImportRow of either service.
template <typename Row>
Row MakeRow(int line, const std::vector<std::string>& cells) {
  Row row;
  row.set_line(line);
  for (const std::string& cell : cells) row.add_cells(cell);
  return row;
}

}  // namespace convene::fuzz

#endif  // CONVENE_FUZZ_FUZZ_SUPPORT_H_
