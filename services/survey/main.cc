// convene-survey: surveys, pre/post tests, single-use tokens, validated and anonymous responses.
//   convene-survey --listen=127.0.0.1:50054 --data_dir=DIR --registration_addr=127.0.0.1:50051
// keeps its database in DIR/survey.db and asks registration about events and participants.
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "services/common/registration_client.h"
#include "services/common/server.h"
#include "services/survey/survey_service.h"
#include "services/survey/survey_store.h"
#include "services/survey/surveyor.h"

int main(int argc, char** argv) {
  convene::InitServer(argc, argv, "convene-survey", "127.0.0.1:50054",
                      /*accept_survey_tokens=*/true);
  const std::string path = convene::DataDir() + "/survey.db";
  auto store = convene::survey::SurveyStore::Open(path);
  if (!store.ok()) {
    convene::LogLine(absl::StrCat("cannot open ", path, ": ", store.status().message()));
    return 2;
  }
  auto registration = convene::RegistrationClient::FromFlags();
  convene::VerifierPoller credentials(absl::GetFlag(FLAGS_registration_addr),
                                      &convene::ServerGatekeeper());
  convene::survey::Surveyor surveyor(store->get(), registration.get());
  convene::survey::SurveyServiceImpl service(&surveyor);
  return convene::ServeUntilSignalled({&service});
}
