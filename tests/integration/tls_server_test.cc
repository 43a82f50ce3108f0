// TLS on every port, and mutual TLS between services: convene-registration and convene-survey
// started with certificates from a throwaway authority made by openssl for this test. The survey
// service reaches registration (its credentials list, events, participants) over mutual TLS; a
// client without TLS, or without a certificate of the authority, is not served.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/client.h"
#include "services/common/testing/process.h"

namespace convene {
namespace {

namespace reg = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
using ::convene::testing::ServiceProcess;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("tls");
    // An authority, and one certificate it signs for the services (for 127.0.0.1), and one for a
    // person's CLI.
    const std::string script = absl::StrCat(
        "set -e; cd ", dir_,
        "; openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
        "-subj /CN=convene-test-ca 2>/dev/null"
        "; printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext"
        "; for who in service user; do"
        "   openssl req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj /CN=$who "
        "2>/dev/null;"
        "   openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile san.ext -out $who.pem 2>/dev/null;"
        " done");
    testing::CommandResult made = testing::RunCommand({"/bin/sh", "-c", script});
    ASSERT_EQ(made.exit_code, 0) << made.err;

    // This test process calls as the user, with their own certificate (mutual TLS).
    SetChannelTls({ReadFile(dir_ + "/ca.pem"), ReadFile(dir_ + "/user.pem"),
                   ReadFile(dir_ + "/user.key")});
    const std::vector<std::string> tls = {"--tls_cert_file=" + dir_ + "/service.pem",
                                          "--tls_key_file=" + dir_ + "/service.key",
                                          "--tls_ca_file=" + dir_ + "/ca.pem",
                                          "--tls_client_auth"};
    auto registration = ServiceProcess::Start("convene-registration", dir_ + "/registration", tls);
    ASSERT_TRUE(registration.ok()) << registration.status();
    registration_.emplace(std::move(registration).value());
    std::vector<std::string> survey_flags = tls;
    survey_flags.push_back("--registration_addr=" + registration_->address());
    auto survey = ServiceProcess::Start("convene-survey", dir_ + "/survey", survey_flags);
    ASSERT_TRUE(survey.ok()) << survey.status();
    survey_.emplace(std::move(survey).value());
  }

  std::string dir_;
  std::optional<ServiceProcess> registration_;
  std::optional<ServiceProcess> survey_;
};

TEST_F(TlsServerTest, ServicesTalkOverMutualTlsAndRefuseOtherClients) {
  // Through TLS, with the organiser's credential: registration, and survey (which asks
  // registration about the event over mutual TLS with the service credential).
  auto registration = reg::RegistrationService::NewStub(MakeChannel(registration_->address()));
  reg::CreateEventRequest create;
  create.mutable_event()->set_title("Over TLS");
  create.mutable_event()->set_time_zone("Asia/Tashkent");
  create.mutable_event()->set_start_date("2026-11-28");
  create.mutable_event()->set_end_date("2026-11-28");
  reg::CreateEventResponse created;
  grpc::Status status = registration->CreateEvent(NewCallContext().get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();

  auto survey = sv::SurveyService::NewStub(MakeChannel(survey_->address()));
  sv::CreateSurveyRequest request;
  request.mutable_survey()->set_event_id(created.event().id());
  request.mutable_survey()->set_title("Evaluation");
  request.mutable_survey()->set_kind(sv::SURVEY_KIND_EVALUATION);
  sv::Question* question = request.mutable_survey()->add_questions();
  question->set_key("overall");
  question->set_text("Overall");
  question->mutable_likert()->set_points(5);
  sv::CreateSurveyResponse survey_created;
  status = survey->CreateSurvey(NewCallContext().get(), request, &survey_created);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Without TLS: not served.
  auto plain = reg::RegistrationService::NewStub(
      grpc::CreateChannel(registration_->address(), grpc::InsecureChannelCredentials()));
  reg::GetEventRequest get;
  get.set_event_id(created.event().id());
  reg::GetEventResponse got;
  status = plain->GetEvent(NewCallContext(absl::Seconds(3)).get(), get, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();

  // TLS that trusts the authority but shows no certificate of its own: not served either (mutual).
  grpc::SslCredentialsOptions anonymous;
  anonymous.pem_root_certs = ReadFile(dir_ + "/ca.pem");
  auto no_certificate = reg::RegistrationService::NewStub(
      grpc::CreateChannel(registration_->address(), grpc::SslCredentials(anonymous)));
  status = no_certificate->GetEvent(NewCallContext(absl::Seconds(3)).get(), get, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();

  // A client that does not trust the authority refuses the service's certificate.
  grpc::SslCredentialsOptions other_roots;
  other_roots.pem_root_certs = ReadFile(dir_ + "/user.pem");  // not an authority
  auto untrusted = reg::RegistrationService::NewStub(
      grpc::CreateChannel(registration_->address(), grpc::SslCredentials(other_roots)));
  status = untrusted->GetEvent(NewCallContext(absl::Seconds(3)).get(), get, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();

  // The CLI over mutual TLS, from the environment.
  const std::string convene = testing::BinaryPath("convene");
  testing::CommandResult shown = testing::RunCommand(
      {convene, "event", "show", created.event().id()},
      {"CONVENE_REGISTRATION_ADDR=" + registration_->address(), "CONVENE_TLS_CA=" + dir_ + "/ca.pem",
       "CONVENE_TLS_CERT=" + dir_ + "/user.pem", "CONVENE_TLS_KEY=" + dir_ + "/user.key"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, ::testing::HasSubstr("Over TLS"));
}

}  // namespace
}  // namespace convene
