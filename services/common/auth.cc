#include "services/common/auth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/common/client.h"
#include "services/common/crypto.h"
#include "services/common/ids.h"
#include "services/common/server.h"
#include "services/common/status.h"
#include "services/common/unary.h"

namespace convene {
namespace {

constexpr absl::string_view kTokenPrefix = "cnv_";
constexpr absl::string_view kBearer = "Bearer ";

bool IsHex(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
  });
}

std::string& CallCredentialSlot() {
  static std::string* token = new std::string();
  return *token;
}

}  // namespace

std::string FormatCredentialToken(absl::string_view credential_id, absl::string_view secret) {
  return absl::StrCat(kTokenPrefix, credential_id, "_", secret);
}

std::optional<CredentialToken> ParseCredentialToken(absl::string_view token) {
  token = absl::StripAsciiWhitespace(token);
  if (!absl::ConsumePrefix(&token, kTokenPrefix)) return std::nullopt;
  const size_t cut = token.rfind('_');
  if (cut == absl::string_view::npos) return std::nullopt;
  CredentialToken parts{std::string(token.substr(0, cut)), std::string(token.substr(cut + 1))};
  // The id is NewId's shape ("crd_..." or "svc_..."), the secret 64 hex digits.
  if (parts.credential_id.size() > 40 || parts.secret.size() != 64 || !IsHex(parts.secret)) {
    return std::nullopt;
  }
  for (char c : parts.credential_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
  }
  if (parts.credential_id.empty()) return std::nullopt;
  return parts;
}

bool LooksLikeCredential(absl::string_view text) {
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), kTokenPrefix);
}

absl::StatusOr<NewCredential> MakeCredential(absl::string_view id_prefix, authv1::Role role) {
  CONVENE_ASSIGN_OR_RETURN(std::string secret, NewSecret());
  NewCredential credential;
  credential.verifier.set_credential_id(NewId(id_prefix));
  credential.verifier.set_secret_sha256(Sha256(secret));
  credential.verifier.set_role(role);
  credential.token = FormatCredentialToken(credential.verifier.credential_id(), secret);
  return credential;
}

absl::StatusOr<std::string> ReadCredentialFile(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("credential file ", path, ": ", std::strerror(errno)));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "credential file ", path, ": others may read or change it; run `chmod 600 ", path, "`"));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("credential file ", path, ": cannot be read"));
  }
  std::string token(absl::StripAsciiWhitespace(text.str()));
  if (token.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("credential file ", path, ": is empty"));
  }
  return token;
}

absl::Status WriteCredentialFile(const std::string& path, absl::string_view token) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("credential file ", path, ": cannot be created: ", std::strerror(errno)));
  }
  const std::string line = absl::StrCat(token, "\n");
  const bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  close(fd);
  if (!written) {
    unlink(path.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("credential file ", path, ": cannot be written: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadOrCreateServiceCredential(const std::string& path) {
  if (access(path.c_str(), F_OK) != 0) {
    CONVENE_ASSIGN_OR_RETURN(NewCredential credential, MakeCredential("svc", authv1::ROLE_SERVICE));
    absl::Status written = WriteCredentialFile(path, credential.token);
    // Another service of the stack may have written it first: read whatever is there.
    if (!written.ok() && errno != EEXIST) return written;
  }
  CONVENE_ASSIGN_OR_RETURN(std::string token, ReadCredentialFile(path));
  std::optional<CredentialToken> parts = ParseCredentialToken(token);
  if (!parts.has_value() || !absl::StartsWith(parts->credential_id, "svc_")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "credential file ", path, ": does not hold a service credential (cnv_svc_..._...)"));
  }
  return token;
}

void SetCallCredential(std::string token) { CallCredentialSlot() = std::move(token); }

const std::string& CallCredential() { return CallCredentialSlot(); }

void AddCredential(grpc::ClientContext& context, absl::string_view token) {
  if (token.empty()) return;
  context.AddMetadata("authorization", absl::StrCat(kBearer, token));
}

// --- Roles ---------------------------------------------------------------------------------------

std::string RoleName(authv1::Role role) {
  switch (role) {
    case authv1::ROLE_ORGANISER:
      return "organiser";
    case authv1::ROLE_FACILITATOR:
      return "facilitator";
    case authv1::ROLE_EVALUATOR:
      return "evaluator";
    case authv1::ROLE_PARTICIPANT:
      return "participant";
    case authv1::ROLE_SERVICE:
      return "service";
    default:
      return "unknown role";
  }
}

absl::StatusOr<authv1::Role> ParseRole(absl::string_view text, absl::string_view field) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "organiser" || lower == "organizer") return authv1::ROLE_ORGANISER;
  if (lower == "facilitator") return authv1::ROLE_FACILITATOR;
  if (lower == "evaluator") return authv1::ROLE_EVALUATOR;
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": \"", text, "\" is not a role; use organiser, facilitator or evaluator"));
}

std::string RoleSet::Describe() const {
  std::vector<std::string> names;
  for (authv1::Role role :
       {authv1::ROLE_ORGANISER, authv1::ROLE_FACILITATOR, authv1::ROLE_EVALUATOR,
        authv1::ROLE_PARTICIPANT, authv1::ROLE_SERVICE}) {
    if (Contains(role)) names.push_back(RoleName(role) + "s");
  }
  if (names.empty()) return "nobody";
  if (names.size() == 1) return names[0];
  const std::string last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " and ", last);
}

bool Caller::MayUse(absl::string_view event_id) const {
  return event_ids.empty() ||
         std::find(event_ids.begin(), event_ids.end(), event_id) != event_ids.end();
}

std::string Caller::Describe() const {
  if (role == authv1::ROLE_PARTICIPANT) return "a survey token";
  return absl::StrCat("the ", RoleName(role), " credential ", credential_id);
}

absl::Status CheckRole(const Caller& caller, const RoleSet& roles) {
  if (roles.Contains(caller.role)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("this call is for ", roles.Describe(),
                                                  " only; it was made with ", caller.Describe()));
}

absl::Status CheckEvent(const Caller& caller, absl::string_view event_id) {
  if (caller.MayUse(event_id)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(caller.Describe(), " may not be used on event ",
                                                  event_id, " (it is limited to ",
                                                  absl::StrJoin(caller.event_ids, ", "), ")"));
}

// --- Gatekeeper ----------------------------------------------------------------------------------

Gatekeeper::Gatekeeper(Options options) : options_(options) {}

void Gatekeeper::SetVerifiers(const std::vector<authv1::Verifier>& verifiers) {
  absl::flat_hash_map<std::string, authv1::Verifier> next;
  for (const authv1::Verifier& verifier : verifiers) next[verifier.credential_id()] = verifier;
  std::lock_guard<std::mutex> lock(mu_);
  verifiers_ = std::move(next);
  loaded_ = true;
}

void Gatekeeper::AddFixed(const authv1::Verifier& verifier) {
  std::lock_guard<std::mutex> lock(mu_);
  fixed_[verifier.credential_id()] = verifier;
}

void Gatekeeper::SetRefresher(std::function<void()> refresh) {
  std::lock_guard<std::mutex> lock(mu_);
  refresh_ = std::move(refresh);
}

void Gatekeeper::SetOptions(Options options) {
  std::lock_guard<std::mutex> lock(mu_);
  options_ = options;
}

std::string Gatekeeper::PeerHost(absl::string_view peer) {
  const size_t colon = peer.rfind(':');
  const size_t first = peer.find(':');
  // "unix:/path" has one colon and no port.
  if (colon == absl::string_view::npos || colon == first) return std::string(peer);
  return std::string(peer.substr(0, colon));
}

bool Gatekeeper::Admit(const std::string& host, absl::Time now) {
  auto it = buckets_.find(host);
  if (it == buckets_.end()) return true;
  Bucket& bucket = it->second;
  const double per_second = options_.failures_per_minute / 60.0;
  bucket.tokens =
      std::min<double>(options_.failures_per_minute,
                       bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) * per_second);
  bucket.updated = now;
  if (bucket.tokens >= options_.failures_per_minute) {
    buckets_.erase(it);  // Back to full: forget the address.
    return true;
  }
  return bucket.tokens >= 1.0;
}

void Gatekeeper::Fail(const std::string& host, absl::Time now) {
  Admit(host, now);  // Refills what time has given back first.
  const double full = options_.failures_per_minute;
  Bucket& bucket = buckets_.try_emplace(host, Bucket{full, now}).first->second;
  bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
}

absl::Status Gatekeeper::TooManyFailures(const std::string& host, absl::Time now) {
  const double per_second = options_.failures_per_minute / 60.0;
  const double wait = per_second > 0 ? (1.0 - buckets_[host].tokens) / per_second : 60.0;
  return absl::ResourceExhaustedError(
      absl::StrCat("too many failed authentications from this address; try again in ",
                   static_cast<int>(wait) + 1, " s"));
}

absl::StatusOr<Caller> Gatekeeper::Authenticate(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto found = metadata.find("authorization");
  if (found == metadata.end()) {
    return absl::UnauthenticatedError(
        "no credential: calls need \"authorization: Bearer <token>\" metadata (the CLI reads "
        "CONVENE_TOKEN or CONVENE_TOKEN_FILE)");
  }
  absl::string_view value(found->second.data(), found->second.size());
  if (!absl::ConsumePrefix(&value, kBearer)) {
    return absl::UnauthenticatedError("authorization metadata: expected \"Bearer <token>\"");
  }
  const std::string host = PeerHost(context.peer());
  const absl::Time now = absl::Now();
  std::unique_lock<std::mutex> lock(mu_);
  if (!Admit(host, now)) return TooManyFailures(host, now);

  if (!LooksLikeCredential(value)) {
    if (options_.accept_survey_tokens && !value.empty() && value.size() <= 100) {
      Caller caller;
      caller.role = authv1::ROLE_PARTICIPANT;
      caller.survey_token = std::string(value);
      return caller;  // The survey service checks the token itself (RecordFailure when unknown).
    }
    Fail(host, now);
    return absl::UnauthenticatedError("the credential is not a Convene credential (cnv_...)");
  }
  std::optional<CredentialToken> token = ParseCredentialToken(value);
  const authv1::Verifier* verifier = nullptr;
  if (token.has_value()) {
    auto fixed = fixed_.find(token->credential_id);
    if (fixed != fixed_.end()) {
      verifier = &fixed->second;
    } else {
      if (!loaded_) {
        return absl::UnavailableError(
            "credentials cannot be checked yet: the registration service has not been reached; "
            "try again in a moment");
      }
      auto known = verifiers_.find(token->credential_id);
      if (known == verifiers_.end() && refresh_ && now - last_refresh_ > absl::Milliseconds(500)) {
        // Perhaps created a moment ago: fetch the list once more before refusing (from a worker:
        // the fetch waits for registration).
        if (OnSerialThread()) return NeedsWorker();
        last_refresh_ = now;
        std::function<void()> refresh = refresh_;
        lock.unlock();
        refresh();
        lock.lock();
        known = verifiers_.find(token->credential_id);
      }
      if (known != verifiers_.end()) verifier = &known->second;
    }
  }
  // The digest is compared in constant time; an unknown id compares against a dummy so that
  // both take the same time.
  static const std::string* const kDummy = new std::string(32, '\0');
  const std::string digest = Sha256(token.has_value() ? token->secret : std::string(value));
  const bool match =
      ConstantTimeEqual(digest, verifier != nullptr ? verifier->secret_sha256() : *kDummy);
  if (verifier == nullptr || !match) {
    Fail(host, now);
    return absl::UnauthenticatedError(
        "the credential is unknown, revoked or wrong; ask an organiser for a new one");
  }
  Caller caller;
  caller.credential_id = verifier->credential_id();
  caller.role = verifier->role();
  caller.event_ids.assign(verifier->event_ids().begin(), verifier->event_ids().end());
  return caller;
}

void Gatekeeper::RecordFailure(const grpc::ServerContextBase& context) {
  std::lock_guard<std::mutex> lock(mu_);
  Fail(PeerHost(context.peer()), absl::Now());
}

Gatekeeper& ServerGatekeeper() {
  static Gatekeeper* gatekeeper = new Gatekeeper();
  return *gatekeeper;
}

// --- VerifierPoller ------------------------------------------------------------------------------

VerifierPoller::VerifierPoller(std::string registration_address, Gatekeeper* gatekeeper,
                               absl::Duration interval)
    : address_(std::move(registration_address)),
      gatekeeper_(gatekeeper),
      interval_(interval),
      stub_(authv1::AuthService::NewStub(MakeChannel(address_))) {
  gatekeeper_->SetRefresher([this] { Refresh().IgnoreError(); });
  thread_ = std::thread([this] { Run(); });
}

VerifierPoller::~VerifierPoller() {
  gatekeeper_->SetRefresher(nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

absl::Status VerifierPoller::Refresh() {
  authv1::ListVerifiersRequest request;
  authv1::ListVerifiersResponse response;
  std::unique_ptr<grpc::ClientContext> context = NewCallContext(absl::Seconds(2));
  const grpc::Status status = stub_->ListVerifiers(context.get(), request, &response);
  if (!status.ok()) return DependencyFailure("registration", address_, status);
  gatekeeper_->SetVerifiers({response.verifiers().begin(), response.verifiers().end()});
  return absl::OkStatus();
}

void VerifierPoller::Run() {
  while (true) {
    const absl::Status status = Refresh();
    std::unique_lock<std::mutex> lock(mu_);
    if (!status.ok() && !reported_down_) {
      reported_down_ = true;
      LogLine(
          absl::StrCat("credentials not refreshed (the last list is kept): ", status.message()));
    }
    if (status.ok()) reported_down_ = false;
    if (wake_.wait_for(lock, std::chrono::milliseconds(absl::ToInt64Milliseconds(interval_)),
                       [this] { return stop_; })) {
      return;
    }
  }
}

}  // namespace convene
