// convene-agenda: sessions, speakers, rooms, conflicts, time zones and calendar export.
//   convene-agenda --listen=127.0.0.1:50052 --data_dir=DIR --registration_addr=127.0.0.1:50051
// keeps its database in DIR/agenda.db and asks registration about events and participants.
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/agenda/agenda_service.h"
#include "services/agenda/agenda_store.h"
#include "services/agenda/scheduler.h"
#include "services/common/auth.h"
#include "services/common/registration_client.h"
#include "services/common/server.h"

int main(int argc, char** argv) {
  convene::InitServer(argc, argv, "convene-agenda", "127.0.0.1:50052");
  const std::string path = convene::DataDir() + "/agenda.db";
  auto store = convene::agenda::AgendaStore::Open(path);
  if (!store.ok()) {
    convene::LogLine(absl::StrCat("cannot open ", path, ": ", store.status().message()));
    return 2;
  }
  auto registration = convene::RegistrationClient::FromFlags();
  convene::agenda::Scheduler scheduler(store->get(), registration.get());
  convene::agenda::AgendaServiceImpl service(&scheduler);
  convene::VerifierPoller credentials(absl::GetFlag(FLAGS_registration_addr),
                                      &convene::ServerGatekeeper());
  return convene::ServeUntilSignalled({&service});
}
