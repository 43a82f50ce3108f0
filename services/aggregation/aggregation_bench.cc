// aggregation-bench: how fast a survey of 10 questions and N responses is summarised, measured side
// by side with SQLite computing only COUNT and AVG per question over the same data.
//
//   aggregation-bench --registration_addr=H:P --survey_addr=H:P --aggregation_addr=H:P \
//       --responses=1000000 --sqlite_file=/tmp/flat.db
//
// Against running services (bench/aggregation/run.sh starts them): creates an event and an
// evaluation of 10 questions (Likert, ratings, choices, a number, a quiz), imports N deterministic
// responses through ImportResponses in batches, then times
//  1. SummarizeSurvey through gRPC: the first call (made from the survey service's answer counts)
//     and the median of 3 more; then the same by country, which streams every response from the
//     survey service (first call) and then reads only newer ones (median of 3);
//  2. the same summary in this process from responses already in memory (the aggregation core
//     alone, no transport);
//  3. sqlite3 computing COUNT(q) and AVG(q) for the 10 questions over a flat table holding the same
//     answers, one column per question (median of 3 runs; the file is written once, untimed).
// Prints one line per figure and a JSON object on the last line.
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "convene/aggregation/v1/aggregation_service.grpc.pb.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/aggregation/summary.h"
#include "services/common/auth.h"
#include "services/common/client.h"

ABSL_FLAG(std::string, registration_addr, "127.0.0.1:50051", "registration service");
ABSL_FLAG(std::string, survey_addr, "127.0.0.1:50054", "survey service");
ABSL_FLAG(std::string, aggregation_addr, "127.0.0.1:50055", "aggregation service");
ABSL_FLAG(int, responses, 1000000, "responses to import and summarise");
ABSL_FLAG(int, batch, 50000, "rows per ImportResponses call");
ABSL_FLAG(std::string, token_file, "",
          "an organiser's credential: the file registration's --bootstrap_credential_file names");
ABSL_FLAG(std::string, sqlite_file, "/tmp/convene-aggregation-bench.db",
          "where to write the flat table for the SQLite baseline");

namespace {

namespace reg = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
namespace ag = ::convene::aggregation::v1;

constexpr char kSurvey[] = R"json({
  "title": "Benchmark evaluation", "kind": "SURVEY_KIND_EVALUATION", "anonymous": true,
  "questions": [
    {"key": "overall", "text": "Overall satisfaction", "likert": {"points": 5}},
    {"key": "content", "text": "Relevance of content", "likert": {"points": 5}},
    {"key": "facilitation", "text": "Facilitation", "likert": {"points": 7}},
    {"key": "organisation", "text": "Organisation", "likert": {"points": 5}},
    {"key": "recommend", "text": "Recommend", "rating": {"min": 0, "max": 10}},
    {"key": "confidence", "text": "Confidence to apply", "rating": {"min": 0, "max": 10}},
    {"key": "format", "text": "Preferred format", "singleChoice": {"options": [
      {"key": "in_person", "label": "In person"}, {"key": "online", "label": "Online"},
      {"key": "hybrid", "label": "Hybrid"}]}},
    {"key": "topics", "text": "Topics", "multipleChoice": {"options": [
      {"key": "procurement", "label": "Procurement"}, {"key": "whistleblowers", "label": "Whistle-blowers"},
      {"key": "assets", "label": "Asset recovery"}, {"key": "integrity", "label": "Integrity"}]}},
    {"key": "hours", "text": "Hours per week", "number": {"min": 0, "max": 80, "hasMin": true,
      "hasMax": true, "integer": true}},
    {"key": "uncac", "text": "UNCAC chapter on prevention", "quiz": {"correct": "ii", "options": [
      {"key": "ii", "label": "Chapter II"}, {"key": "v", "label": "Chapter V"}]}}]})json";

const char* kColumns[] = {"overall",    "content", "facilitation", "organisation", "recommend",
                          "confidence", "format",  "topics",       "hours",        "uncac"};

// A small deterministic generator (SplitMix64).
struct Random {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  int Uniform(int lo, int hi) { return lo + static_cast<int>(Next() % (hi - lo + 1)); }
};

// Row i's cells, and its numeric values for the flat table (-1 = no answer).
void MakeRow(uint64_t i, std::vector<std::string>& cells, std::vector<int>& numbers) {
  Random r{i * 7919 + 17};
  const char* formats[] = {"in_person", "online", "hybrid"};
  const char* topics[] = {"procurement", "whistleblowers", "assets", "integrity"};
  cells.assign(10, "");
  numbers.assign(10, -1);
  auto set = [&](int c, int value) {
    cells[c] = absl::StrCat(value);
    numbers[c] = value;
  };
  set(0, r.Uniform(2, 5));
  set(1, r.Uniform(1, 5));
  set(2, r.Uniform(3, 7));
  if (r.Uniform(0, 9) > 0) set(3, r.Uniform(1, 5));  // one in ten leaves it out
  set(4, r.Uniform(0, 10));
  set(5, r.Uniform(4, 10));
  const int format = r.Uniform(0, 2);
  cells[6] = formats[format];
  numbers[6] = format;
  const int a = r.Uniform(0, 3), b = r.Uniform(0, 3);
  cells[7] = a == b ? topics[a] : absl::StrCat(topics[a], ";", topics[b]);
  numbers[7] = a == b ? 1 : 2;
  set(8, r.Uniform(0, 40));
  const bool right = r.Uniform(0, 3) > 0;
  cells[9] = right ? "ii" : "v";
  numbers[9] = right ? 1 : 0;
}

// The respondent's country (the breakdown's dimension): eight countries of the region.
const char* CountryOf(int i) {
  static const char* kCountries[] = {"KZ", "KG", "TJ", "UZ", "TH", "VN", "MY", "ID"};
  return kCountries[i % 8];
}

template <typename T>
T Median(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int Fail(const std::string& what, const grpc::Status& status) {
  std::cerr << what << ": " << status.error_message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (const std::string path = absl::GetFlag(FLAGS_token_file); !path.empty()) {
    absl::StatusOr<std::string> token = convene::ReadCredentialFile(path);
    if (!token.ok()) {
      std::cerr << token.status().message() << "\n";
      return 1;
    }
    convene::SetCallCredential(*token);
  }
  const int n = absl::GetFlag(FLAGS_responses);
  auto registration = reg::RegistrationService::NewStub(
      convene::MakeChannel(absl::GetFlag(FLAGS_registration_addr)));
  auto surveys = sv::SurveyService::NewStub(convene::MakeChannel(absl::GetFlag(FLAGS_survey_addr)));
  auto aggregation =
      ag::AggregationService::NewStub(convene::MakeChannel(absl::GetFlag(FLAGS_aggregation_addr)));

  reg::CreateEventRequest event_request;
  event_request.mutable_event()->set_title("Aggregation benchmark");
  event_request.mutable_event()->set_time_zone("Asia/Bangkok");
  event_request.mutable_event()->set_start_date("2025-03-10");
  event_request.mutable_event()->set_end_date("2025-03-11");
  reg::CreateEventResponse event;
  {
    auto context = convene::NewCallContext();
    grpc::Status status = registration->CreateEvent(context.get(), event_request, &event);
    if (!status.ok()) return Fail("CreateEvent", status);
  }
  sv::CreateSurveyRequest create;
  if (!google::protobuf::util::JsonStringToMessage(kSurvey, create.mutable_survey()).ok()) {
    std::cerr << "bad survey definition\n";
    return 1;
  }
  create.mutable_survey()->set_event_id(event.event().id());
  sv::CreateSurveyResponse created;
  {
    auto context = convene::NewCallContext();
    grpc::Status status = surveys->CreateSurvey(context.get(), create, &created);
    if (!status.ok()) return Fail("CreateSurvey", status);
  }
  const std::string survey_id = created.survey().id();
  {
    sv::OpenSurveyRequest open;
    open.set_survey_id(survey_id);
    sv::OpenSurveyResponse opened;
    auto context = convene::NewCallContext();
    grpc::Status status = surveys->OpenSurvey(context.get(), open, &opened);
    if (!status.ok()) return Fail("OpenSurvey", status);
  }

  // Import, and write the flat table for SQLite (untimed).
  std::remove(absl::GetFlag(FLAGS_sqlite_file).c_str());
  sqlite3* db = nullptr;
  sqlite3_open(absl::GetFlag(FLAGS_sqlite_file).c_str(), &db);
  std::string ddl = "CREATE TABLE responses (id INTEGER PRIMARY KEY";
  for (const char* c : kColumns) absl::StrAppend(&ddl, ", ", c, " INTEGER");
  absl::StrAppend(&ddl, ")");
  sqlite3_exec(db, ddl.c_str(), nullptr, nullptr, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO responses VALUES (?,?,?,?,?,?,?,?,?,?,?)", -1, &insert,
                     nullptr);

  const absl::Time import_start = absl::Now();
  std::vector<std::string> cells;
  std::vector<int> numbers;
  for (int first = 0; first < n; first += absl::GetFlag(FLAGS_batch)) {
    sv::ImportResponsesRequest request;
    request.set_survey_id(survey_id);
    for (const char* c : kColumns) request.add_header(c);
    request.add_header("_country");
    const int last = std::min(n, first + absl::GetFlag(FLAGS_batch));
    for (int i = first; i < last; ++i) {
      MakeRow(i, cells, numbers);
      sv::ImportRow* row = request.add_rows();
      row->set_line(i + 2);
      for (auto& cell : cells) row->add_cells(cell);
      row->add_cells(CountryOf(i));
      sqlite3_bind_int64(insert, 1, i + 1);
      for (int c = 0; c < 10; ++c) {
        numbers[c] < 0 ? sqlite3_bind_null(insert, c + 2)
                       : sqlite3_bind_int(insert, c + 2, numbers[c]);
      }
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sv::ImportResponsesResponse imported;
    auto context = convene::NewCallContext(absl::Minutes(5));
    grpc::Status status = surveys->ImportResponses(context.get(), request, &imported);
    if (!status.ok()) return Fail("ImportResponses", status);
    if (imported.errors_size() > 0) {
      std::cerr << "import refused row " << imported.errors(0).line() << ": "
                << imported.errors(0).reason() << "\n";
      return 1;
    }
  }
  const double import_seconds = absl::ToDoubleSeconds(absl::Now() - import_start);
  sqlite3_finalize(insert);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  absl::PrintF("imported %d responses in %.2f s (%.0f rows/s)\n", n, import_seconds,
               n / import_seconds);

  // 1. Through gRPC. A summary without a breakdown is made from the survey service's answer counts:
  // the first one is timed (nothing cached anywhere), then the median of 3 more. A breakdown by
  // country needs every response's attributes: the first reads every response (cold), repeated
  // ones only the responses submitted since (warm), here none and later 1,000.
  auto summarize = [&](ag::SummarizeSurveyResponse* out, const char* by) -> absl::StatusOr<double> {
    ag::SummarizeSurveyRequest request;
    request.set_survey_id(survey_id);
    if (by != nullptr) request.add_by(by);
    out->Clear();
    auto context = convene::NewCallContext(absl::Minutes(5));
    const absl::Time start = absl::Now();
    grpc::Status status = aggregation->SummarizeSurvey(context.get(), request, out);
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    return absl::ToDoubleSeconds(absl::Now() - start);
  };
  // The first call, then the median of 3 more.
  auto first_and_again = [&](ag::SummarizeSurveyResponse* out, const char* by, double* first,
                             double* again) -> bool {
    absl::StatusOr<double> t = summarize(out, by);
    if (!t.ok() || out->response_count() != n) {
      std::cerr << "SummarizeSurvey" << (by ? " by " : "") << (by ? by : "") << " failed or "
                << "counted " << out->response_count() << " responses, not " << n << "\n";
      return false;
    }
    *first = *t;
    std::vector<double> times;
    for (int run = 0; run < 3; ++run) {
      t = summarize(out, by);
      if (!t.ok()) return false;
      times.push_back(*t);
    }
    *again = Median(times);
    return true;
  };
  ag::SummarizeSurveyResponse summary, by_country;
  double grpc_seconds = 0, grpc_again_seconds = 0, breakdown_seconds = 0, warm_seconds = 0;
  if (!first_and_again(&summary, nullptr, &grpc_seconds, &grpc_again_seconds)) return 1;
  if (!first_and_again(&by_country, "country", &breakdown_seconds, &warm_seconds)) return 1;
  absl::PrintF(
      "SummarizeSurvey via gRPC, first (from the answer counts): %.4f s, mean overall %.4f\n",
      grpc_seconds, summary.questions(0).scale().mean());
  absl::PrintF("SummarizeSurvey via gRPC, again: %.4f s (median of 3)\n", grpc_again_seconds);
  absl::PrintF("SummarizeSurvey by country via gRPC, first (every response read): %.3f s\n",
               breakdown_seconds);
  absl::PrintF(
      "SummarizeSurvey by country via gRPC, repeated (no new response): %.4f s (median of 3)\n",
      warm_seconds);
  // 2. The core alone, on responses already parsed in memory.
  std::vector<sv::Response> in_memory;
  double stream_seconds = 0;
  {
    sv::StreamResponsesRequest request;
    request.set_survey_id(survey_id);
    auto context = convene::NewCallContext(absl::Minutes(5));
    const absl::Time start = absl::Now();
    auto reader = surveys->StreamResponses(context.get(), request);
    sv::StreamResponsesResponse page;
    in_memory.reserve(n);
    while (reader->Read(&page)) {
      for (auto& r : *page.mutable_responses()) in_memory.push_back(std::move(r));
    }
    grpc::Status status = reader->Finish();
    if (!status.ok()) return Fail("StreamResponses", status);
    stream_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  }
  absl::PrintF("StreamResponses alone (survey service to this process): %.3f s\n", stream_seconds);
  std::vector<double> core_times;
  for (int run = 0; run < 3; ++run) {
    const absl::Time start = absl::Now();
    convene::aggregation::SurveyAggregator aggregator(created.survey());
    for (const sv::Response& r : in_memory) aggregator.Add(r);
    auto questions = aggregator.Questions(true);
    core_times.push_back(absl::ToDoubleSeconds(absl::Now() - start));
    if (questions.size() != 10) return 1;
  }
  const double core_seconds = Median(core_times);
  absl::PrintF("aggregation core in memory: %.3f s (median of 3)\n", core_seconds);

  // 3. SQLite: COUNT and AVG per question over the flat table.
  std::string sql = "SELECT ";
  for (int c = 0; c < 10; ++c) {
    absl::StrAppend(&sql, c ? ", " : "", "COUNT(", kColumns[c], "), AVG(", kColumns[c], ")");
  }
  absl::StrAppend(&sql, " FROM responses");
  std::vector<double> sqlite_times;
  double sqlite_mean = 0;
  for (int run = 0; run < 3; ++run) {
    sqlite3_stmt* stmt = nullptr;
    const absl::Time start = absl::Now();
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    if (sqlite3_step(stmt) == SQLITE_ROW) sqlite_mean = sqlite3_column_double(stmt, 1);
    sqlite3_finalize(stmt);
    sqlite_times.push_back(absl::ToDoubleSeconds(absl::Now() - start));
  }
  sqlite3_close(db);
  const double sqlite_seconds = Median(sqlite_times);
  absl::PrintF("sqlite3 COUNT/AVG per question: %.3f s (median of 3), mean overall %.4f\n",
               sqlite_seconds, sqlite_mean);
  if (std::abs(sqlite_mean - summary.questions(0).scale().mean()) > 1e-9 * sqlite_mean) {
    std::cerr << "the two means disagree\n";
    return 1;
  }
  // 4. 1,000 new responses, then a repeated summary reads only those.
  {
    sv::ImportResponsesRequest request;
    request.set_survey_id(survey_id);
    for (const char* c : kColumns) request.add_header(c);
    request.add_header("_country");
    for (int i = n; i < n + 1000; ++i) {
      MakeRow(i, cells, numbers);
      sv::ImportRow* row = request.add_rows();
      row->set_line(i + 2);
      for (auto& cell : cells) row->add_cells(cell);
      row->add_cells(CountryOf(i));
    }
    sv::ImportResponsesResponse imported;
    auto context = convene::NewCallContext(absl::Minutes(5));
    grpc::Status status = surveys->ImportResponses(context.get(), request, &imported);
    if (!status.ok()) return Fail("ImportResponses", status);
  }
  absl::StatusOr<double> after_new = summarize(&summary, nullptr);
  absl::StatusOr<double> after_new_by_country = summarize(&by_country, "country");
  if (!after_new.ok() || summary.response_count() != n + 1000 || !after_new_by_country.ok() ||
      by_country.response_count() != n + 1000) {
    std::cerr << "the summary after 1,000 new responses is wrong\n";
    return 1;
  }
  absl::PrintF("SummarizeSurvey via gRPC after 1,000 new responses: %.4f s; by country %.4f s\n",
               *after_new, *after_new_by_country);
  absl::PrintF(
      "{\"responses\": %d, \"questions\": 10, \"import_s\": %.3f, \"summarize_grpc_s\": %.4f, "
      "\"summarize_again_s\": %.4f, \"summarize_by_country_s\": %.3f, "
      "\"summarize_repeat_s\": %.4f, \"summarize_after_1000_new_s\": %.4f, "
      "\"summarize_by_country_after_1000_new_s\": %.4f, \"stream_s\": %.3f, "
      "\"summarize_core_s\": %.3f, \"sqlite_count_avg_s\": %.3f, \"grpc_vs_sqlite\": %.3f, "
      "\"by_country_vs_sqlite\": %.2f, \"repeat_vs_sqlite\": %.3f, \"core_vs_sqlite\": %.2f}\n",
      n, import_seconds, grpc_seconds, grpc_again_seconds, breakdown_seconds, warm_seconds,
      *after_new, *after_new_by_country, stream_seconds, core_seconds, sqlite_seconds,
      grpc_seconds / sqlite_seconds, breakdown_seconds / sqlite_seconds,
      warm_seconds / sqlite_seconds, core_seconds / sqlite_seconds);
  return 0;
}
