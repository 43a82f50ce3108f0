// convene auth create | list | revoke: the credentials organisers hand out (AuthService, kept by
// the registration service). The CLI's own credential comes from $CONVENE_TOKEN, the file named by
// $CONVENE_TOKEN_FILE, or ~/.config/convene/token (never a flag, which would show in `ps`).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/command.h"
#include "clients/cli/service_client.h"
#include "convene/auth/v1/auth_service.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/dates.h"
#include "services/common/status.h"

namespace convene::cli {
namespace {

using authv1::AuthService;

std::string TimeText(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", FromTimestamp(time), absl::UTCTimeZone());
}

std::string EventsText(const authv1::Credential& credential) {
  return credential.event_ids().empty() ? "every event"
                                        : absl::StrJoin(credential.event_ids(), ", ");
}

Table CredentialTable(const google::protobuf::RepeatedPtrField<authv1::Credential>& credentials) {
  Table table;
  table.header = {"ID", "ROLE", "EVENTS", "NAME", "CREATED", "REVOKED"};
  for (const authv1::Credential& credential : credentials) {
    table.rows.push_back({credential.id(), RoleName(credential.role()), EventsText(credential),
                          credential.name(), TimeText(credential.create_time()),
                          TimeText(credential.revoke_time())});
  }
  table.cut_order = {3, 2};
  table.drop_order = {5, 4};
  return table;
}

absl::Status Create(const Invocation& in) {
  authv1::CreateCredentialRequest request;
  authv1::Credential& credential = *request.mutable_credential();
  CONVENE_ASSIGN_OR_RETURN(std::string name, RequiredFlag(in.args, "name"));
  CONVENE_ASSIGN_OR_RETURN(std::string role, RequiredFlag(in.args, "role"));
  credential.set_name(name);
  absl::StatusOr<authv1::Role> parsed = ParseRole(role, "--role");
  if (!parsed.ok()) return UsageError(parsed.status().message());
  credential.set_role(*parsed);
  for (const std::string& event_id : in.args.GetAll("event")) credential.add_event_ids(event_id);

  authv1::CreateCredentialResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = AuthService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->CreateCredential(context, request, &response);
  }));
  if (in.output == OutputFormat::kJson) {
    *in.out << ToJson(response);
  } else {
    // The token alone on standard output, so that it can go straight into a file.
    *in.out << response.token() << "\n";
  }
  *in.err << "credential " << response.credential().id() << " (" << RoleName(*parsed) << ", "
          << EventsText(response.credential())
          << "): its token is shown only now; give it to its holder, who keeps it in a file "
             "readable only by them (chmod 600) and sets CONVENE_TOKEN_FILE to it\n";
  return absl::OkStatus();
}

absl::Status List(const Invocation& in) {
  authv1::ListCredentialsRequest request;
  request.set_include_revoked(in.args.Has("revoked"));
  authv1::ListCredentialsResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = AuthService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->ListCredentials(context, request, &response);
  }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(CredentialTable(response.credentials()));
      break;
    case OutputFormat::kTable:
      *in.out << RenderTable(CredentialTable(response.credentials()));
      break;
  }
  return absl::OkStatus();
}

absl::Status Revoke(const Invocation& in) {
  authv1::RevokeCredentialRequest request;
  request.set_credential_id(in.args.positional()[0]);
  authv1::RevokeCredentialResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = AuthService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->RevokeCredential(context, request, &response);
  }));
  if (in.output == OutputFormat::kJson) {
    *in.out << ToJson(response);
  } else {
    *in.out << "revoked " << response.credential().id() << " (" << response.credential().name()
            << "); every service refuses it within seconds\n";
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> AuthCommands() {
  return {
      {"auth",
       "create",
       "auth create --name NAME --role organiser|facilitator|evaluator [--event EVENT_ID]...",
       "Creates a credential and prints its token, once. Without --event it holds for every "
       "event.",
       {{"name"}, {"role"}, {"event", FlagSpec::Kind::kRepeated}},
       {},
       Create},
      {"auth",
       "list",
       "auth list [--revoked]",
       "Lists the credentials you manage (with --revoked, revoked ones too).",
       {{"revoked", FlagSpec::Kind::kSwitch}},
       {},
       List},
      {"auth",
       "revoke",
       "auth revoke CREDENTIAL_ID",
       "Revokes a credential; every service refuses it within seconds, without a restart.",
       {},
       {"CREDENTIAL_ID"},
       Revoke},
  };
}

}  // namespace convene::cli
