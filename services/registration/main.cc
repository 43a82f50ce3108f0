// convene-registration: events, participants, capacity and waitlist, check-in.
//   convene-registration --listen=127.0.0.1:50051 --data_dir=DIR --credential_file=SERVICE_TOKEN
//                        [--bootstrap_credential_file=ORGANISER_TOKEN]
// keeps its database in DIR/registration.db, and the credentials of every service (AuthService).
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/server.h"
#include "services/registration/registration_service.h"
#include "services/registration/registration_store.h"
#include "services/registration/registry.h"

ABSL_FLAG(std::string, bootstrap_credential_file, "",
          "The first organiser's credential: written here (readable by its owner only) when the "
          "file does not exist, else the credential it holds is accepted as an organiser for "
          "every event");

int main(int argc, char** argv) {
  convene::InitServer(argc, argv, "convene-registration", "127.0.0.1:50051");
  const std::string path = convene::DataDir() + "/registration.db";
  auto store = convene::registration::RegistrationStore::Open(path);
  if (!store.ok()) {
    convene::LogLine(absl::StrCat("cannot open ", path, ": ", store.status().message()));
    return 2;
  }
  convene::registration::Registry registry(store->get());
  convene::registration::Credentials credentials(store->get(), &convene::ServerGatekeeper());
  absl::Status loaded = credentials.Load();
  const std::string bootstrap = absl::GetFlag(FLAGS_bootstrap_credential_file);
  if (loaded.ok() && !bootstrap.empty()) loaded = credentials.Bootstrap(bootstrap);
  if (!loaded.ok()) {
    convene::LogLine(absl::StrCat("credentials: ", loaded.message()));
    return 2;
  }
  convene::registration::RegistrationServiceImpl service(&registry);
  convene::registration::AuthServiceImpl auth(&credentials);
  return convene::ServeUntilSignalled({&service, &auth});
}
