// Reaching a Convene service from the command line: where each service
// listens (CONVENE_<SERVICE>_ADDR, else its default loopback port), and calls
// that carry the --timeout deadline and turn gRPC failures into one sentence.
#ifndef CONVENE_CLIENTS_CLI_SERVICE_CLIENT_H_
#define CONVENE_CLIENTS_CLI_SERVICE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace convene::cli {

struct ServiceInfo {
  std::string name;  // "registration"
  int default_port;  // 50051
};

// Every Convene service, in the order `convene status` lists them.
const std::vector<ServiceInfo>& Services();

// "registration" -> $CONVENE_REGISTRATION_ADDR, else "127.0.0.1:50051".
std::string ServiceAddress(absl::string_view service);

// The user's credential for every call (SetCallCredential): $CONVENE_TOKEN, else the file named by
// $CONVENE_TOKEN_FILE, else ~/.config/convene/token when it exists; none otherwise. And TLS when
// $CONVENE_TLS_CA names the authority's certificate ($CONVENE_TLS_CERT and $CONVENE_TLS_KEY add
// the user's own for mutual TLS). FAILED_PRECONDITION naming a file that cannot be used (readable
// by others, say).
absl::Status LoadCredentials();

class ServiceClient {
 public:
  ServiceClient(absl::string_view service, absl::Duration timeout);

  const std::string& address() const { return address_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Runs one RPC with a fresh context carrying the deadline. A service error
  // keeps its message (the service names the field at fault); an unreachable
  // or silent service becomes "cannot reach the <service> service at ...".
  absl::Status Call(absl::FunctionRef<grpc::Status(grpc::ClientContext*)> rpc);

 private:
  std::string service_;
  std::string address_;
  absl::Duration timeout_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Follows page tokens until every item (or `limit` items, when > 0) is in
// `all`, so that list commands print one response whatever the page size.
//   CollectPages(client, limit, request, &all,
//                [&](auto* context, auto& page) {
//                  return stub->ListEvents(context, request, &page);
//                },
//                [](auto& response) { return response.mutable_events(); });
template <typename Request, typename Response, typename Rpc, typename Items>
absl::Status CollectPages(ServiceClient& client, int limit, Request& request, Response* all,
                          Rpc rpc, Items items) {
  constexpr int kMaxPageSize = 1000;  // the services' largest page
  do {
    const int wanted = limit > 0 ? limit - items(*all)->size() : kMaxPageSize;
    request.set_page_size(std::min(wanted, kMaxPageSize));
    Response page;
    absl::Status status =
        client.Call([&](grpc::ClientContext* context) { return rpc(context, page); });
    if (!status.ok()) return status;
    for (auto& item : *items(page)) {
      if (limit > 0 && items(*all)->size() >= limit) break;
      *items(*all)->Add() = std::move(item);
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && (limit == 0 || items(*all)->size() < limit));
  return absl::OkStatus();
}

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_SERVICE_CLIENT_H_
