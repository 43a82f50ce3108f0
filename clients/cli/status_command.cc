// convene status: is each Convene service up?

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/command.h"
#include "clients/cli/service_client.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace convene::cli {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// A service that is up answers a health check at once; a short deadline keeps
// `convene status` quick when several are down.
constexpr absl::Duration kHealthTimeout = absl::Seconds(2);

// "serving", "not serving" or "unreachable".
std::string Check(ServiceClient& client) {
  auto stub = grpc::health::v1::Health::NewStub(client.channel());
  HealthCheckRequest request;  // the empty service name: the whole server
  HealthCheckResponse response;
  absl::Status status = client.Call(
      [&](grpc::ClientContext* context) { return stub->Check(context, request, &response); });
  if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status)) {
    return "unreachable";
  }
  return status.ok() && response.status() == HealthCheckResponse::SERVING ? "serving"
                                                                          : "not serving";
}

absl::Status Status(const Invocation& in) {
  Table table;
  table.header = {"service", "address", "status"};
  // The services that must be serving for exit status 0 (deploy/local/stack.sh names every one it
  // started); registration alone by default.
  std::vector<std::string> required = in.args.GetAll("require");
  if (required.empty()) required.push_back("registration");
  for (const std::string& name : required) {
    const auto& all = Services();
    if (std::none_of(all.begin(), all.end(),
                     [&](const ServiceInfo& s) { return s.name == name; })) {
      return UsageError(absl::StrCat("--require: \"", name, "\" is not a Convene service"));
    }
  }
  std::vector<std::string> down;
  for (const ServiceInfo& service : Services()) {
    ServiceClient client(service.name, std::min(in.timeout, kHealthTimeout));
    std::string state = Check(client);
    if (state != "serving" &&
        std::find(required.begin(), required.end(), service.name) != required.end()) {
      down.push_back(absl::StrCat(service.name, " (", client.address(), ")"));
    }
    table.rows.push_back({service.name, client.address(), state});
  }
  switch (in.output) {
    case OutputFormat::kJson: {
      // No response message covers several services; this is the same
      // layout ToJson prints, with the keys in a fixed order.
      std::vector<std::string> objects;
      for (const auto& row : table.rows) {
        std::vector<std::string> members;
        for (size_t i = 0; i < row.size(); ++i) {
          members.push_back(
              absl::StrCat("   \"", table.header[i], "\": \"", absl::CEscape(row[i]), "\""));
        }
        objects.push_back(absl::StrCat("  {\n", absl::StrJoin(members, ",\n"), "\n  }"));
      }
      *in.out << "{\n \"services\": [\n" << absl::StrJoin(objects, ",\n") << "\n ]\n}\n";
      break;
    }
    case OutputFormat::kCsv:
      *in.out << RenderCsv(table);
      break;
    case OutputFormat::kTable:
      *in.out << RenderTable(table);
      break;
  }
  if (!down.empty()) {
    return absl::UnavailableError(
        absl::StrCat("not serving: ", absl::StrJoin(down, ", "),
                     " (start the stack with deploy/local/stack.sh start)"));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> StatusCommands() {
  return {{"status",
           "",
           "status",
           "Health-checks every Convene service; exits 0 when every service named by --require "
           "(default: registration) is serving.",
           {{"require", FlagSpec::Kind::kRepeated}},
           {},
           Status}};
}

}  // namespace convene::cli
