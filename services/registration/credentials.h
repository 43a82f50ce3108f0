// Credentials (convene.auth.v1): who may call the services. Kept here, in the registration
// service's database, with their secrets only as SHA-256 digests; every change is handed to the
// process's gatekeeper at once, and the other services fetch the verifiers (ListVerifiers).
//
// Who may manage which credential: an organiser credential for every event manages all of them;
// one limited to some events creates, lists and revokes only credentials limited to some of
// those events.
#ifndef CONVENE_SERVICES_REGISTRATION_CREDENTIALS_H_
#define CONVENE_SERVICES_REGISTRATION_CREDENTIALS_H_

#include <string>

#include "absl/status/status.h"
#include "convene/auth/v1/auth_service.pb.h"
#include "services/common/auth.h"
#include "services/registration/registration_store.h"

namespace convene::registration {

class Credentials {
 public:
  Credentials(RegistrationStore* store, Gatekeeper* gatekeeper)
      : store_(store), gatekeeper_(gatekeeper) {}

  // Hands the stored verifiers to the gatekeeper (at start).
  absl::Status Load();

  // The first organiser, for --bootstrap_credential_file: when `path` does not exist, a new
  // organiser credential for every event is stored and its token written there (readable by its
  // owner only); when it exists, its credential is stored unless it is known already (a revoked
  // one stays revoked).
  absl::Status Bootstrap(const std::string& path);

  absl::Status Create(const Caller& caller, const authv1::CreateCredentialRequest& request,
                      authv1::CreateCredentialResponse* response);
  absl::Status List(const Caller& caller, const authv1::ListCredentialsRequest& request,
                    authv1::ListCredentialsResponse* response);
  absl::Status Revoke(const Caller& caller, const authv1::RevokeCredentialRequest& request,
                      authv1::RevokeCredentialResponse* response);
  absl::Status ListVerifiers(authv1::ListVerifiersResponse* response);

 private:
  // Stores a new credential; under a write transaction.
  absl::Status Insert(authv1::Credential& credential, const authv1::Verifier& verifier);
  // The gatekeeper's list from the store; under a transaction or lock.
  absl::Status Reload();

  RegistrationStore* store_;
  Gatekeeper* gatekeeper_;
};

// True when `caller` may manage `credential` (see above).
bool MayManage(const Caller& caller, const authv1::Credential& credential);

}  // namespace convene::registration

#endif  // CONVENE_SERVICES_REGISTRATION_CREDENTIALS_H_
