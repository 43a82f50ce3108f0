// convene-aggregation: survey statistics, breakdowns with small-cell suppression, learning gain,
// participation reports and comparisons across events. Keeps nothing of its own:
//   convene-aggregation --listen=127.0.0.1:50055 --survey_addr=127.0.0.1:50054
//       --registration_addr=127.0.0.1:50051 --agenda_addr=127.0.0.1:50052
// (--data_dir is accepted like every service's, and unused.)
#include "absl/flags/flag.h"
#include "services/aggregation/aggregation_service.h"
#include "services/aggregation/reporter.h"
#include "services/aggregation/sources.h"
#include "services/common/auth.h"
#include "services/common/registration_client.h"
#include "services/common/server.h"

int main(int argc, char** argv) {
  convene::InitServer(argc, argv, "convene-aggregation", "127.0.0.1:50055");
  auto surveys = convene::aggregation::SurveySource::FromFlags();
  auto registration = convene::RegistrationClient::FromFlags();
  auto agenda = convene::aggregation::AgendaSource::FromFlags();
  convene::aggregation::Reporter reporter(surveys.get(), registration.get(), agenda.get());
  convene::aggregation::AggregationServiceImpl service(&reporter, surveys.get());
  convene::VerifierPoller credentials(absl::GetFlag(FLAGS_registration_addr),
                                      &convene::ServerGatekeeper());
  return convene::ServeUntilSignalled({&service});
}
