// Who is calling, and may they: credentials, roles and events, checked the same way by every
// service (SECURITY.md has the threat model and the table of roles).
//
// A call carries its credential as the metadata "authorization: Bearer cnv_<id>_<secret>". The
// registration service keeps the credentials (their secrets only as SHA-256 digests); every other
// service fetches the digests from it every second (VerifierPoller), so a revocation reaches every
// service within seconds and no call waits on registration to be checked. The services' own
// credential (--credential_file) is known to each of them from its file, so calls between services
// are checked even before the first fetch.
//
// Handlers check calls with ServeAs / ServeFor (unary.h): authenticate, check the role, check the
// event, then run the operation.
#ifndef CONVENE_SERVICES_COMMON_AUTH_H_
#define CONVENE_SERVICES_COMMON_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "convene/auth/v1/auth.pb.h"
#include "convene/auth/v1/auth_service.grpc.pb.h"

namespace convene {

namespace authv1 = ::convene::auth::v1;

// --- Tokens --------------------------------------------------------------------------------------

// A credential as its holder has it: "cnv_<credential id>_<secret>".
struct CredentialToken {
  std::string credential_id;
  std::string secret;
};

// "cnv_<id>_<secret>".
std::string FormatCredentialToken(absl::string_view credential_id, absl::string_view secret);
// The parts of a token, or nullopt when `token` does not have the shape FormatCredentialToken
// gives (surrounding white space is ignored: tokens are pasted from files and emails).
std::optional<CredentialToken> ParseCredentialToken(absl::string_view token);
// True when `text` starts like a credential ("cnv_"), as opposed to a survey token.
bool LooksLikeCredential(absl::string_view text);

// A new credential with a fresh id (NewId(id_prefix)) and secret: the token to give out, and the
// verifier to keep.
struct NewCredential {
  std::string token;
  authv1::Verifier verifier;
};
absl::StatusOr<NewCredential> MakeCredential(absl::string_view id_prefix, authv1::Role role);

// --- Files holding a credential -----------------------------------------------------------------

// The token in `path` (one line). FAILED_PRECONDITION naming the file when it cannot be read, is
// empty, or can be read or written by anyone but its owner ("chmod 600 <path>").
absl::StatusOr<std::string> ReadCredentialFile(const std::string& path);
// Writes `token` to `path`, which must not exist yet, readable by its owner only.
absl::Status WriteCredentialFile(const std::string& path, absl::string_view token);

// The stack's service credential: the token in `path`, written there first (a new ROLE_SERVICE
// credential "svc_...") when the file does not exist yet. Every service of one stack is given the
// same file; the first to start writes it.
absl::StatusOr<std::string> ReadOrCreateServiceCredential(const std::string& path);

// --- Outgoing calls ------------------------------------------------------------------------------

// The credential every call this process makes carries (NewCallContext adds it): a service's own
// credential, or the CLI user's. Empty: calls carry none. Set it before any call is made.
void SetCallCredential(std::string token);
const std::string& CallCredential();
// Adds "authorization: Bearer <token>" to `context` (nothing when `token` is empty).
void AddCredential(grpc::ClientContext& context, absl::string_view token);

// --- Roles ---------------------------------------------------------------------------------------

// A set of roles, for the permission of one call.
class RoleSet {
 public:
  constexpr RoleSet(std::initializer_list<authv1::Role> roles) {
    for (authv1::Role role : roles) bits_ |= 1u << static_cast<int>(role);
  }
  constexpr bool Contains(authv1::Role role) const {
    return (bits_ >> static_cast<int>(role)) & 1u;
  }
  // "organisers and evaluators".
  std::string Describe() const;

 private:
  uint32_t bits_ = 0;
};

// "organiser", "facilitator", ... ("unknown role" for anything else).
std::string RoleName(authv1::Role role);
// ROLE_ORGANISER from "organiser" (or "organizer"), ...; INVALID_ARGUMENT naming `field` else.
absl::StatusOr<authv1::Role> ParseRole(absl::string_view text, absl::string_view field);

// Who is calling: known once the call's credential was checked.
struct Caller {
  std::string credential_id;
  authv1::Role role = authv1::ROLE_UNSPECIFIED;
  // The events the credential may be used on; empty = every event.
  std::vector<std::string> event_ids;
  // ROLE_PARTICIPANT: the survey token the call was made with.
  std::string survey_token;

  bool AllEvents() const { return event_ids.empty(); }
  bool MayUse(absl::string_view event_id) const;
  // Organisers and services see participants' contact details; facilitators and evaluators do not.
  bool SeesContactDetails() const {
    return role == authv1::ROLE_ORGANISER || role == authv1::ROLE_SERVICE;
  }
  // "the facilitator credential crd_..." for error messages.
  std::string Describe() const;
};

// OK when `caller` has one of `roles`, else PERMISSION_DENIED naming who may.
absl::Status CheckRole(const Caller& caller, const RoleSet& roles);
// OK when `caller` may use `event_id`, else PERMISSION_DENIED naming the event.
absl::Status CheckEvent(const Caller& caller, absl::string_view event_id);

// --- Checking calls ------------------------------------------------------------------------------

// Authenticates calls against the known verifiers, and limits failed authentications per client
// address. Thread-safe.
class Gatekeeper {
 public:
  struct Options {
    // Failed authentications one client address may make in a minute (a burst of this many, then
    // one every 60/n seconds); beyond that its calls are refused with RESOURCE_EXHAUSTED.
    int failures_per_minute = 10;
    // Calls whose bearer value is not a credential are made by participants with a survey token
    // (the survey service); elsewhere they are UNAUTHENTICATED.
    bool accept_survey_tokens = false;
  };
  explicit Gatekeeper(Options options);
  Gatekeeper() : Gatekeeper(Options()) {}

  // Replaces the verifiers (from registration's list); `Fixed` ones stay.
  void SetVerifiers(const std::vector<authv1::Verifier>& verifiers);
  // A verifier known whatever the list says (this service's own credential).
  void AddFixed(const authv1::Verifier& verifier);
  void SetOptions(Options options);
  // Called (at most every half second) when a call names a credential the list does not hold yet,
  // before it is refused: a credential works everywhere as soon as it is created.
  void SetRefresher(std::function<void()> refresh);

  // The caller of `context`: UNAUTHENTICATED without a credential or with one that is unknown,
  // revoked or wrong; UNAVAILABLE when the credentials could not be fetched yet; RESOURCE_EXHAUSTED
  // when its address failed too often.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context);
  // Counts a failed authentication the handler found itself (an unknown survey token).
  void RecordFailure(const grpc::ServerContextBase& context);

  // The address part of a peer ("ipv4:127.0.0.1:5000" -> "ipv4:127.0.0.1").
  static std::string PeerHost(absl::string_view peer);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  // Refills the bucket of `host`; false when it is empty (too many failures).
  bool Admit(const std::string& host, absl::Time now);
  void Fail(const std::string& host, absl::Time now);
  absl::Status TooManyFailures(const std::string& host, absl::Time now);

  std::mutex mu_;
  Options options_;
  bool loaded_ = false;
  absl::flat_hash_map<std::string, authv1::Verifier> fixed_;
  absl::flat_hash_map<std::string, authv1::Verifier> verifiers_;
  absl::flat_hash_map<std::string, Bucket> buckets_;
  std::function<void()> refresh_;
  absl::Time last_refresh_ = absl::InfinitePast();
};

// The gatekeeper of this process's server.
Gatekeeper& ServerGatekeeper();

// Fetches registration's verifiers into a gatekeeper every `interval`, on a thread of its own,
// until destroyed. Registration unreachable: the last list is kept (and logged once).
class VerifierPoller {
 public:
  VerifierPoller(std::string registration_address, Gatekeeper* gatekeeper,
                 absl::Duration interval = absl::Seconds(1));
  ~VerifierPoller();
  VerifierPoller(const VerifierPoller&) = delete;
  VerifierPoller& operator=(const VerifierPoller&) = delete;

  // One fetch now.
  absl::Status Refresh();

 private:
  void Run();

  std::string address_;
  Gatekeeper* gatekeeper_;
  absl::Duration interval_;
  std::unique_ptr<authv1::AuthService::Stub> stub_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool reported_down_ = false;
  std::thread thread_;
};

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_AUTH_H_
