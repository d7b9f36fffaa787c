// The gateway's sessions port keeps each pump's session state: later
// messages read only the events appended since (after_sequence) and fold
// them in; a correction among them makes it read the session whole again.
#include "services/gateway/sessions_port.h"

#include "base/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sdk/cpp/mocks/mock_connections.h"

namespace kip::gateway {
namespace {

namespace sv1 = kip::sessions::v1;
using ::testing::_;
using ::testing::Return;
using ::testing::Truly;

const absl::Time kNow = absl::FromUnixSeconds(1'795'000'000);
constexpr char kPump[] = "0012210000000000";

sv1::Event Event(int sequence, const std::string& id) {
  sv1::Event e;
  e.set_event_id(id);
  e.set_session_sequence(sequence);
  *e.mutable_device_time() = ProtoFromTime(kNow - absl::Minutes(30 - sequence));
  return e;
}

sv1::GetSessionResponse Session(std::vector<sv1::Event> events) {
  sv1::GetSessionResponse r;
  r.mutable_session()->set_session_id("s1");
  r.mutable_session()->set_device_id(kPump);
  r.mutable_session()->set_patient_id("P1");
  r.mutable_session()->set_concentration_mg_per_ml(2);
  *r.mutable_session()->mutable_start_time() =
      ProtoFromTime(kNow - absl::Hours(1));
  for (sv1::Event& e : events) *r.add_events() = std::move(e);
  return r;
}

auto After(int64_t sequence) {
  return Truly([sequence](const sv1::GetSessionRequest& r) {
    return r.session_id() == "s1" && r.after_sequence() == sequence;
  });
}

TEST(SdkSessionsTest, ReadsOnlyWhatIsNewAndRereadsAfterACorrection) {
  auto connection = std::make_shared<MockSessionLogConnection>();
  sv1::ListSessionsResponse listed;
  *listed.add_sessions() = Session({}).session();
  EXPECT_CALL(*connection, ListSessions(_, _)).WillRepeatedly(Return(listed));
  sv1::Event start = Event(1, "e1");
  start.mutable_infusion_started()->set_rate_ml_per_h(12.25);
  sv1::Event faster = Event(2, "e2");
  faster.mutable_rate_changed()->set_rate_ml_per_h(17.5);
  sv1::Event voided = Event(3, "e3");
  voided.mutable_correction()->set_corrected_event_id("e2");
  {
    ::testing::InSequence in_order;
    EXPECT_CALL(*connection, GetSession(After(0), _))
        .WillOnce(Return(Session({start})));
    EXPECT_CALL(*connection, GetSession(After(1), _))
        .WillOnce(Return(Session({faster})));
    EXPECT_CALL(*connection, GetSession(After(2), _))
        .WillOnce(Return(Session({voided})));
    EXPECT_CALL(*connection, GetSession(After(0), _))
        .WillOnce(Return(Session({start, faster, voided})));
  }
  SdkSessions sessions(connection, "token", absl::Seconds(1), absl::Hours(48),
                       [] { return kNow; });
  auto first = sessions.SessionOf(kPump, kNow);
  ASSERT_TRUE(first.ok() && first->has_value()) << first.status();
  EXPECT_DOUBLE_EQ(*(*first)->rate_ml_per_h, 12.25);
  auto second = sessions.SessionOf(kPump, kNow);
  ASSERT_TRUE(second.ok() && second->has_value()) << second.status();
  EXPECT_DOUBLE_EQ(*(*second)->rate_ml_per_h, 17.5);  // folded in
  EXPECT_EQ((*second)->event_ids.count("e1"), 1u);    // a resend is still known
  // The rate change is voided: read whole, the state is the start's again.
  auto third = sessions.SessionOf(kPump, kNow);
  ASSERT_TRUE(third.ok() && third->has_value()) << third.status();
  EXPECT_DOUBLE_EQ(*(*third)->rate_ml_per_h, 12.25);
  EXPECT_EQ((*third)->event_ids.size(), 3u);
}

}  // namespace
}  // namespace kip::gateway
