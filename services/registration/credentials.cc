#include "services/registration/credentials.h"

#include <unistd.h>

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/common/crypto.h"
#include "services/common/dates.h"
#include "services/common/limits.h"
#include "services/common/requests.h"
#include "services/common/status.h"

namespace convene::registration {
namespace {

authv1::Verifier VerifierOf(const authv1::Credential& credential, absl::string_view secret_sha256) {
  authv1::Verifier verifier;
  verifier.set_credential_id(credential.id());
  verifier.set_secret_sha256(std::string(secret_sha256));
  verifier.set_role(credential.role());
  *verifier.mutable_event_ids() = credential.event_ids();
  return verifier;
}

bool IsRevoked(const authv1::Credential& credential) { return credential.has_revoke_time(); }

}  // namespace

bool MayManage(const Caller& caller, const authv1::Credential& credential) {
  if (caller.role != authv1::ROLE_ORGANISER) return false;
  if (caller.AllEvents()) return true;
  if (credential.event_ids().empty()) return false;
  return std::all_of(credential.event_ids().begin(), credential.event_ids().end(),
                     [&](const std::string& event_id) { return caller.MayUse(event_id); });
}

absl::Status Credentials::Reload() {
  CONVENE_ASSIGN_OR_RETURN(std::vector<StoredCredential> stored, store_->ListCredentials());
  std::vector<authv1::Verifier> verifiers;
  for (const StoredCredential& one : stored) {
    if (!IsRevoked(one.credential)) {
      verifiers.push_back(VerifierOf(one.credential, one.secret_sha256));
    }
  }
  gatekeeper_->SetVerifiers(verifiers);
  return absl::OkStatus();
}

absl::Status Credentials::Load() {
  auto lock = store_->LockForRead();
  return Reload();
}

absl::Status Credentials::Insert(authv1::Credential& credential, const authv1::Verifier& verifier) {
  credential.set_id(verifier.credential_id());
  ToTimestamp(absl::Now(), credential.mutable_create_time());
  return store_->InsertCredential(credential, verifier.secret_sha256());
}

absl::Status Credentials::Bootstrap(const std::string& path) {
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  authv1::Credential credential;
  credential.set_name("bootstrap: the first organiser");
  credential.set_role(authv1::ROLE_ORGANISER);
  if (access(path.c_str(), F_OK) != 0) {
    CONVENE_ASSIGN_OR_RETURN(NewCredential made, MakeCredential("crd", authv1::ROLE_ORGANISER));
    CONVENE_RETURN_IF_ERROR(Insert(credential, made.verifier));
    // Written before the commit: a token that could not be written is never stored.
    CONVENE_RETURN_IF_ERROR(WriteCredentialFile(path, made.token));
  } else {
    CONVENE_ASSIGN_OR_RETURN(std::string token, ReadCredentialFile(path));
    std::optional<CredentialToken> parts = ParseCredentialToken(token);
    if (!parts.has_value() || !absl::StartsWith(parts->credential_id, "crd_")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--bootstrap_credential_file ", path, ": does not hold a credential (cnv_crd_..._...)"));
    }
    CONVENE_ASSIGN_OR_RETURN(std::vector<StoredCredential> stored, store_->ListCredentials());
    const bool known = std::any_of(stored.begin(), stored.end(), [&](const StoredCredential& one) {
      return one.credential.id() == parts->credential_id;
    });
    if (!known) {
      authv1::Verifier verifier;
      verifier.set_credential_id(parts->credential_id);
      verifier.set_secret_sha256(Sha256(parts->secret));
      CONVENE_RETURN_IF_ERROR(Insert(credential, verifier));
    }
  }
  CONVENE_RETURN_IF_ERROR(Reload());
  return txn->Commit();
}

absl::Status Credentials::Create(const Caller& caller,
                                 const authv1::CreateCredentialRequest& request,
                                 authv1::CreateCredentialResponse* response) {
  authv1::Credential credential = request.credential();
  credential.set_name(std::string(absl::StripAsciiWhitespace(credential.name())));
  CONVENE_RETURN_IF_ERROR(Required("credential.name", credential.name()));
  CONVENE_RETURN_IF_ERROR(CheckLength("credential.name", credential.name(), kMaxLineLength));
  switch (credential.role()) {
    case authv1::ROLE_ORGANISER:
    case authv1::ROLE_FACILITATOR:
    case authv1::ROLE_EVALUATOR:
      break;
    default:
      return absl::InvalidArgumentError(
          "credential.role: must be organiser, facilitator or evaluator (participants use their "
          "survey token; services their --credential_file)");
  }
  CONVENE_RETURN_IF_ERROR(
      CheckCount("credential.event_ids", credential.event_ids_size(), kMaxListItems, "events"));
  std::set<std::string> seen;
  for (const std::string& event_id : credential.event_ids()) {
    CONVENE_RETURN_IF_ERROR(Required("credential.event_ids", event_id));
    if (!seen.insert(event_id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("credential.event_ids: ", event_id, " is given twice"));
    }
  }
  if (!MayManage(caller, credential)) {
    return absl::PermissionDeniedError(absl::StrCat(
        caller.Describe(), " may only create credentials limited to some of its events (",
        absl::StrJoin(caller.event_ids, ", "), ")"));
  }
  credential.clear_id();
  credential.clear_create_time();
  credential.clear_revoke_time();
  credential.set_created_by(caller.credential_id);

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  for (const std::string& event_id : credential.event_ids()) {
    absl::Status exists = store_->GetEvent(event_id).status();
    if (absl::IsNotFound(exists)) {
      return absl::NotFoundError(
          absl::StrCat("credential.event_ids: event ", event_id, " does not exist"));
    }
    CONVENE_RETURN_IF_ERROR(exists);
  }
  CONVENE_ASSIGN_OR_RETURN(NewCredential made, MakeCredential("crd", credential.role()));
  CONVENE_RETURN_IF_ERROR(Insert(credential, made.verifier));
  CONVENE_RETURN_IF_ERROR(Reload());
  CONVENE_RETURN_IF_ERROR(txn->Commit());
  *response->mutable_credential() = credential;
  response->set_token(made.token);
  return absl::OkStatus();
}

absl::Status Credentials::List(const Caller& caller, const authv1::ListCredentialsRequest& request,
                               authv1::ListCredentialsResponse* response) {
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(std::vector<StoredCredential> stored, store_->ListCredentials());
  for (StoredCredential& one : stored) {
    if (!MayManage(caller, one.credential)) continue;
    if (IsRevoked(one.credential) && !request.include_revoked()) continue;
    *response->add_credentials() = std::move(one.credential);
  }
  return absl::OkStatus();
}

absl::Status Credentials::Revoke(const Caller& caller,
                                 const authv1::RevokeCredentialRequest& request,
                                 authv1::RevokeCredentialResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("credential_id", request.credential_id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(std::vector<StoredCredential> stored, store_->ListCredentials());
  auto found = std::find_if(stored.begin(), stored.end(), [&](const StoredCredential& one) {
    return one.credential.id() == request.credential_id();
  });
  if (found == stored.end()) {
    return absl::NotFoundError(
        absl::StrCat("credential_id: ", request.credential_id(), " does not exist"));
  }
  if (!MayManage(caller, found->credential)) {
    return absl::PermissionDeniedError(absl::StrCat(caller.Describe(), " may not revoke ",
                                                    request.credential_id(),
                                                    ": it is not limited to the caller's events"));
  }
  authv1::Credential& credential = found->credential;
  if (!IsRevoked(credential)) {  // Revoking twice changes nothing.
    ToTimestamp(absl::Now(), credential.mutable_revoke_time());
    CONVENE_RETURN_IF_ERROR(store_->UpdateCredential(credential));
    // The gatekeeper first: should the commit fail, the credential is refused a little early.
    CONVENE_RETURN_IF_ERROR(Reload());
    CONVENE_RETURN_IF_ERROR(txn->Commit());
  }
  *response->mutable_credential() = credential;
  return absl::OkStatus();
}

absl::Status Credentials::ListVerifiers(authv1::ListVerifiersResponse* response) {
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(std::vector<StoredCredential> stored, store_->ListCredentials());
  for (const StoredCredential& one : stored) {
    if (!IsRevoked(one.credential)) {
      *response->add_verifiers() = VerifierOf(one.credential, one.secret_sha256);
    }
  }
  return absl::OkStatus();
}

}  // namespace convene::registration
