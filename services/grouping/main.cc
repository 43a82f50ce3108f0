// convene-grouping: breakout groups that mix countries and sectors, one table per country, rounds
// without repeated pairs.
//   convene-grouping --listen=127.0.0.1:50053 --data_dir=DIR --registration_addr=127.0.0.1:50051
// keeps its database in DIR/grouping.db and asks registration for the participants.
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "services/common/registration_client.h"
#include "services/common/server.h"
#include "services/grouping/grouping_service.h"
#include "services/grouping/grouping_store.h"
#include "services/grouping/planner.h"

int main(int argc, char** argv) {
  convene::InitServer(argc, argv, "convene-grouping", "127.0.0.1:50053");
  const std::string path = convene::DataDir() + "/grouping.db";
  auto store = convene::grouping::GroupingStore::Open(path);
  if (!store.ok()) {
    convene::LogLine(absl::StrCat("cannot open ", path, ": ", store.status().message()));
    return 2;
  }
  auto registration = convene::RegistrationClient::FromFlags();
  convene::grouping::Planner planner(store->get(), registration.get());
  convene::grouping::GroupingServiceImpl service(&planner);
  convene::VerifierPoller credentials(absl::GetFlag(FLAGS_registration_addr),
                                      &convene::ServerGatekeeper());
  return convene::ServeUntilSignalled({&service});
}
