#include "services/common/client.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "services/common/status.h"

namespace convene {

namespace {

std::optional<TlsFiles>& ChannelTls() {
  static std::optional<TlsFiles>* tls = new std::optional<TlsFiles>();
  return *tls;
}

}  // namespace

absl::StatusOr<std::string> ReadPemFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return absl::FailedPreconditionError(absl::StrCat(path, ": cannot be read"));
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": is not a PEM file"));
  }
  return text.str();
}

void SetChannelTls(TlsFiles files) { ChannelTls() = std::move(files); }

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  return MakeChannel(address, grpc::ChannelArguments());
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           grpc::ChannelArguments args) {
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (const std::optional<TlsFiles>& tls = ChannelTls(); tls.has_value()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls->ca;
    ssl.pem_private_key = tls->key;
    ssl.pem_cert_chain = tls->cert;
    credentials = grpc::SslCredentials(ssl);
  }
  return grpc::CreateCustomChannel(address, credentials, args);
}

std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  AddCredential(*context, CallCredential());
  return context;
}

absl::Status DependencyFailure(absl::string_view service, absl::string_view address,
                               const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return absl::UnavailableError(absl::StrCat("the ", service, " service at ", address,
                                                 " cannot be reached (", status.error_message(),
                                                 "); try again once it is back"));
    default:
      return FromGrpcStatus(status);
  }
}

}  // namespace convene
