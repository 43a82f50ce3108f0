// convene-registration: events, participants, capacity and waitlist, check-in.
//   convene-registration --listen=127.0.0.1:50051 --data_dir=DIR
// keeps its database in DIR/registration.db.
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/server.h"
#include "services/registration/registration_service.h"
#include "services/registration/registration_store.h"
#include "services/registration/registry.h"

int main(int argc, char** argv) {
  convene::InitServer(argc, argv, "convene-registration", "127.0.0.1:50051");
  const std::string path = convene::DataDir() + "/registration.db";
  auto store = convene::registration::RegistrationStore::Open(path);
  if (!store.ok()) {
    convene::LogLine(absl::StrCat("cannot open ", path, ": ", store.status().message()));
    return 2;
  }
  convene::registration::Registry registry(store->get());
  convene::registration::RegistrationServiceImpl service(&registry);
  return convene::ServeUntilSignalled({&service});
}
