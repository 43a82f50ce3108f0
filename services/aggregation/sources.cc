#include "services/aggregation/sources.h"

#include <utility>

#include "absl/flags/flag.h"
#include "google/protobuf/arena.h"
#include "services/common/client.h"

ABSL_FLAG(std::string, survey_addr, "127.0.0.1:50054", "HOST:PORT of the survey service");
ABSL_FLAG(std::string, agenda_addr, "127.0.0.1:50052", "HOST:PORT of the agenda service");

namespace convene::aggregation {

namespace sv = ::convene::survey::v1;
namespace ag = ::convene::agenda::v1;

// A survey of a million responses streams in a few seconds; the deadline only bounds a stalled
// stream.
constexpr absl::Duration kStreamTimeout = absl::Minutes(5);

SurveySource::SurveySource(std::string address, absl::Duration timeout,
                           absl::Duration stream_timeout)
    : address_(std::move(address)),
      timeout_(timeout),
      stream_timeout_(stream_timeout),
      stub_(sv::SurveyService::NewStub(MakeChannel(address_))) {}

std::unique_ptr<SurveySource> SurveySource::FromFlags() {
  return std::make_unique<SurveySource>(absl::GetFlag(FLAGS_survey_addr), kDefaultCallTimeout,
                                        kStreamTimeout);
}

absl::StatusOr<sv::GetSurveyResponse> SurveySource::GetSurvey(absl::string_view survey_id) {
  sv::GetSurveyRequest request;
  request.set_survey_id(std::string(survey_id));
  sv::GetSurveyResponse response;
  auto context = NewCallContext(timeout_);
  grpc::Status status = stub_->GetSurvey(context.get(), request, &response);
  if (!status.ok()) return DependencyFailure("survey", address_, status);
  return response;
}

absl::StatusOr<std::vector<sv::Survey>> SurveySource::ListSurveys(absl::string_view event_id) {
  sv::ListSurveysRequest request;
  request.set_event_id(std::string(event_id));
  sv::ListSurveysResponse response;
  auto context = NewCallContext(timeout_);
  grpc::Status status = stub_->ListSurveys(context.get(), request, &response);
  if (!status.ok()) return DependencyFailure("survey", address_, status);
  return std::vector<sv::Survey>(response.surveys().begin(), response.surveys().end());
}

absl::StatusOr<sv::CountAnswersResponse> SurveySource::CountAnswers(absl::string_view survey_id) {
  sv::CountAnswersRequest request;
  request.set_survey_id(std::string(survey_id));
  sv::CountAnswersResponse response;
  auto context = NewCallContext(timeout_);
  grpc::Status status = stub_->CountAnswers(context.get(), request, &response);
  if (!status.ok()) return DependencyFailure("survey", address_, status);
  return response;
}

absl::Status SurveySource::ForEachResponse(absl::string_view survey_id,
                                           absl::FunctionRef<void(const sv::Response&)> each) {
  std::string resume_token;
  return ForEachResponseAfter(survey_id, &resume_token, each);
}

absl::Status SurveySource::ForEachResponseAfter(absl::string_view survey_id,
                                                std::string* resume_token,
                                                absl::FunctionRef<void(const sv::Response&)> each) {
  sv::StreamResponsesRequest request;
  request.set_survey_id(std::string(survey_id));
  request.set_page_token(*resume_token);
  request.set_page_size(1000);
  auto context = NewCallContext(stream_timeout_);
  std::unique_ptr<grpc::ClientReader<sv::StreamResponsesResponse>> reader =
      stub_->StreamResponses(context.get(), request);
  // Each page is parsed into an arena that is reset between pages: one block of memory instead of
  // a few dozen allocations per response.
  google::protobuf::ArenaOptions options;
  options.start_block_size = 1 << 20;
  options.max_block_size = 8 << 20;
  google::protobuf::Arena arena(options);
  std::string resume = *resume_token;
  while (true) {
    auto* page = google::protobuf::Arena::CreateMessage<sv::StreamResponsesResponse>(&arena);
    if (!reader->Read(page)) break;
    for (const sv::Response& response : page->responses()) each(response);
    resume = page->resume_token();
    arena.Reset();
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return DependencyFailure("survey", address_, status);
  *resume_token = std::move(resume);
  return absl::OkStatus();
}

AgendaSource::AgendaSource(std::string address, absl::Duration timeout)
    : address_(std::move(address)),
      timeout_(timeout),
      stub_(ag::AgendaService::NewStub(MakeChannel(address_))) {}

std::unique_ptr<AgendaSource> AgendaSource::FromFlags() {
  return std::make_unique<AgendaSource>(absl::GetFlag(FLAGS_agenda_addr), kDefaultCallTimeout);
}

absl::StatusOr<std::vector<ag::Session>> AgendaSource::ListSessions(absl::string_view event_id) {
  ag::ListSessionsRequest request;
  request.set_event_id(std::string(event_id));
  ag::ListSessionsResponse response;
  auto context = NewCallContext(timeout_);
  grpc::Status status = stub_->ListSessions(context.get(), request, &response);
  if (!status.ok()) return DependencyFailure("agenda", address_, status);
  return std::vector<ag::Session>(response.sessions().begin(), response.sessions().end());
}

}  // namespace convene::aggregation
