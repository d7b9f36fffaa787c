// Verified orders against fakes: only an approved programme reaches the pump
// server, with the approved rate; the server's answers are logged; a refused
// programme, an ended session or an unreachable server send and log nothing.
#include "services/gateway/core/order_flow.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/hl7/er7.h"

namespace kip::gateway {
namespace {

namespace dv1 = kip::dosing::v1;
namespace sv1 = kip::sessions::v1;
using ::testing::HasSubstr;

// Approves up to 100 mg/h (a stand-in for the drug library).
class FakeDosing : public ProgramChecker {
 public:
  absl::StatusOr<dv1::ValidateProgramResponse> Validate(
      const dv1::ValidateProgramRequest& request,
      const std::string& token) override {
    seen_tokens.push_back(token);
    seen_session = request.session_id();
    dv1::ValidateProgramResponse r;
    const double mg_per_h = request.program().rate_mg_per_h();
    r.set_verdict(mg_per_h <= 100 ? dv1::OK : dv1::HARD_LIMIT);
    r.set_approved(mg_per_h <= 100);
    r.set_rate_ml_per_h(mg_per_h / request.concentration_mg_per_ml());
    return r;
  }
  std::vector<std::string> seen_tokens;
  std::string seen_session;
};

class FakePumpServer : public PumpServer {
 public:
  absl::StatusOr<PumpServerAnswer> Send(const std::string& order) override {
    if (!reachable) return absl::UnavailableError("connection refused");
    orders.push_back(order);
    return answer;
  }
  std::vector<std::string> orders;
  PumpServerAnswer answer{"CA", "AA", ""};
  bool reachable = true;
};

class FakeSessions : public SessionHeaders, public SessionWriter {
 public:
  absl::StatusOr<sv1::InfusionSession> Header(const std::string& id) override {
    sv1::InfusionSession s;
    s.set_session_id(id);
    s.set_patient_id("P001");
    s.set_device_id("0012210000000000");
    if (ended) *s.mutable_end_time() = s.start_time();
    return s;
  }
  absl::Status Append(const std::vector<sv1::Event>& events) override {
    logged.insert(logged.end(), events.begin(), events.end());
    return absl::OkStatus();
  }
  std::vector<sv1::Event> logged;
  bool ended = false;
};

class OrderFlowTest : public ::testing::Test {
 protected:
  absl::StatusOr<OrderResult> Order(double mg_per_h) {
    dv1::ValidateProgramRequest program;
    program.set_protocol_id("bosma-2018");
    program.mutable_patient()->set_weight_kg(70);
    program.set_concentration_mg_per_ml(1);
    program.mutable_program()->set_rate_mg_per_h(mg_per_h);
    program.mutable_program()->set_duration_min(360);
    return SendVerifiedOrder(
        "S-1", program, "clinician-token",
        {&dosing_, &pump_, &sessions_, &sessions_,
         [] { return absl::FromUnixSeconds(1'795'000'000); }, "KET-1"});
  }
  FakeDosing dosing_;
  FakePumpServer pump_;
  FakeSessions sessions_;
};

TEST_F(OrderFlowTest, AnApprovedProgrammeIsSentAndLogged) {
  auto result = Order(24.5);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(dosing_.seen_tokens, std::vector<std::string>{"clinician-token"});
  EXPECT_EQ(dosing_.seen_session, "S-1");  // checked against its dose so far
  ASSERT_EQ(pump_.orders.size(), 1u);
  auto rgv = hl7::Parse(pump_.orders[0]);
  ASSERT_TRUE(rgv.ok()) << rgv.status();
  EXPECT_EQ(rgv->Find("RXG")->Get(15), "24.5");  // mL/h at 1 mg/mL
  EXPECT_EQ(rgv->Find("RXG")->Get(5), "147");    // 6 h
  EXPECT_EQ(rgv->Find("RXG")->Get(4, 1), "KET-1");
  EXPECT_EQ(rgv->Find("OBX")->Get(18, 3), "0012210000000000");
  ASSERT_EQ(sessions_.logged.size(), 1u);
  const sv1::PumpOrder& order = sessions_.logged[0].pump_order();
  EXPECT_EQ(order.commit_ack(), "CA");
  EXPECT_EQ(order.application_ack(), "AA");
  EXPECT_DOUBLE_EQ(order.rate_mg_per_h(), 24.5);
  EXPECT_EQ(order.message_control_id(), rgv->segments[0].Get(10));
}

TEST_F(OrderFlowTest, ARefusedProgrammeIsNeverSent) {
  auto result = Order(150);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("HARD_LIMIT"));
  EXPECT_TRUE(pump_.orders.empty());
  EXPECT_TRUE(sessions_.logged.empty());
}

TEST_F(OrderFlowTest, ThePumpServersRefusalIsLogged) {
  pump_.answer = {"CA", "AR", "Unable to match medication to drug library"};
  auto result = Order(24.5);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->order.application_ack(), "AR");
  ASSERT_EQ(sessions_.logged.size(), 1u);
  EXPECT_EQ(sessions_.logged[0].pump_order().pump_server_error(),
            "Unable to match medication to drug library");
}

TEST_F(OrderFlowTest, AnEndedSessionOrAnUnreachableServerSendsAndLogsNothing) {
  pump_.reachable = false;
  EXPECT_EQ(Order(24.5).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(sessions_.logged.empty());
  pump_.reachable = true;
  dosing_.seen_tokens.clear();
  sessions_.ended = true;
  EXPECT_EQ(Order(24.5).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(pump_.orders.empty());
  EXPECT_TRUE(dosing_.seen_tokens.empty());
}

}  // namespace
}  // namespace kip::gateway
