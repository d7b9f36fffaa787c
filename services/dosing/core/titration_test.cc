#include "services/dosing/core/titration.h"

#include "gmock/gmock.h"
#include "services/dosing/core/test_library.h"

namespace kip::dosing {
namespace {

using testing::Patient;
using testing::ShippedLibrary;

v1::ProposeTitrationRequest Request(const std::string& protocol,
                                    double rate_mg_per_h) {
  v1::ProposeTitrationRequest request;
  request.set_protocol_id(protocol);
  *request.mutable_patient() = Patient(70);
  request.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  request.set_current_rate_mg_per_h(rate_mg_per_h);
  request.set_concentration_mg_per_ml(1);
  return request;
}

v1::ProposeTitrationResponse Propose(
    const ProtocolLibrary& library,
    const v1::ProposeTitrationRequest& request) {
  auto response = ProposeTitration(library, request);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : v1::ProposeTitrationResponse();
}

TEST(TitrationTest, VitalSignStopRulesWinAtTheirBounds) {
  auto request = Request("bosma-2018", 70);
  request.mutable_observations()->add_side_effects("nausea");
  request.mutable_observations()->set_spo2_percent(79.9);
  auto r = Propose(ShippedLibrary(), request);
  EXPECT_EQ(r.action(), v1::STOP);
  EXPECT_EQ(r.rule_id(), "stop_rule.spo2.critical_below");
  EXPECT_EQ(r.new_rate_mg_per_h(), 0);
  request.mutable_observations()->set_spo2_percent(
      80);  // at the critical bound
  EXPECT_EQ(Propose(ShippedLibrary(), request).rule_id(),
            "stop_rule.spo2.warning_below");
  request.mutable_observations()->set_spo2_percent(90);  // at the warning bound
  EXPECT_EQ(Propose(ShippedLibrary(), request).action(), v1::DECREASE);
  request.mutable_observations()->set_heart_rate_per_min(160.1);
  EXPECT_EQ(Propose(ShippedLibrary(), request).rule_id(),
            "stop_rule.heart_rate.critical_above");
  request.mutable_observations()->set_heart_rate_per_min(140.1);
  EXPECT_EQ(Propose(ShippedLibrary(), request).action(), v1::PAUSE);
  request.mutable_observations()->set_heart_rate_per_min(100);
  request.mutable_observations()->set_respiratory_rate_per_min(35.1);
  EXPECT_EQ(Propose(ShippedLibrary(), request).action(), v1::STOP);
}

TEST(TitrationTest, SideEffectsDecreaseToTheSourcedMinimum) {
  auto request = Request("bosma-2018", 70);  // 1.0 mg/kg/h
  request.mutable_observations()->add_side_effects("hallucinations");
  auto r = Propose(ShippedLibrary(), request);
  EXPECT_EQ(r.action(), v1::DECREASE);
  EXPECT_DOUBLE_EQ(r.new_rate_mg_per_h(), 35);  // 0.5 mg/kg/h x 70 kg
  EXPECT_DOUBLE_EQ(r.new_rate_ml_per_h(), 35);
  request.set_current_rate_mg_per_h(35);
  EXPECT_EQ(Propose(ShippedLibrary(), request).action(), v1::PAUSE);
}

TEST(TitrationTest, WithoutASourcedStepPainOnlyHolds) {
  auto request = Request("bosma-2018", 35);
  request.mutable_observations()->set_pain_nrs(8);
  auto r = Propose(ShippedLibrary(), request);
  EXPECT_EQ(r.action(), v1::HOLD);
  EXPECT_EQ(r.rule_id(), "titration.not_specified");
}

// A site's signed-off copy of bosma-2018 with a step, an interval and a pain
// target. The numbers are test fixtures, not clinical values.
ProtocolLibrary SiteLibrary() {
  std::vector<v1::Protocol> protocols = ShippedLibrary().protocols();
  for (auto& p : protocols) {
    if (p.id() != "bosma-2018") continue;
    p.mutable_rate()->set_titration_step(0.25);
    p.mutable_rate()->mutable_titration_interval()->set_seconds(3600);
    p.set_titration_target_pain_nrs(3);
    p.set_max_sedation_score(2);
  }
  return *ProtocolLibrary::FromMessages(ShippedLibrary().drug_library(),
                                        protocols);
}

TEST(TitrationTest, PainAboveTargetIncreasesByOneStepAfterTheInterval) {
  const ProtocolLibrary site = SiteLibrary();
  auto request = Request("bosma-2018", 35);
  request.mutable_observations()->set_pain_nrs(6);
  request.mutable_since_last_change()->set_seconds(3599);
  EXPECT_EQ(Propose(site, request).rule_id(), "titration.interval");
  request.mutable_since_last_change()->set_seconds(3600);
  auto r = Propose(site, request);
  EXPECT_EQ(r.action(), v1::INCREASE);
  EXPECT_DOUBLE_EQ(r.new_rate_mg_per_h(), 35 + 0.25 * 70);
  EXPECT_EQ(r.next_review_after().seconds(), 3600);
  request.set_current_rate_mg_per_h(140);  // 2.0 mg/kg/h: the maximum
  EXPECT_EQ(Propose(site, request).rule_id(), "titration.at_maximum");
  request.mutable_observations()->set_pain_nrs(3);  // at target
  EXPECT_EQ(Propose(site, request).action(), v1::HOLD);
  request.mutable_observations()->set_sedation_score(3);
  EXPECT_EQ(Propose(site, request).rule_id(), "sedation.max");
}

TEST(TitrationTest, BadObservationsNameTheirField) {
  auto request = Request("bosma-2018", 35);
  request.mutable_observations()->set_pain_nrs(11);
  EXPECT_THAT(
      std::string(
          ProposeTitration(ShippedLibrary(), request).status().message()),
      ::testing::HasSubstr("observations.pain_nrs: 11 is outside 0..10"));
  request = Request("bosma-2018", 35);
  request.mutable_observations()->add_side_effects("itching");
  EXPECT_THAT(
      std::string(
          ProposeTitration(ShippedLibrary(), request).status().message()),
      ::testing::HasSubstr("observations.side_effects[0]"));
  request = Request("bosma-2018", 141);  // above 2 mg/kg/h x 70 kg
  EXPECT_THAT(
      std::string(
          ProposeTitration(ShippedLibrary(), request).status().message()),
      ::testing::HasSubstr("current_rate_mg_per_h"));
}

}  // namespace
}  // namespace kip::dosing
