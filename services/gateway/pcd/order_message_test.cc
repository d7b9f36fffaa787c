// The PCD-03 order KIP writes reads back as HL7 with every number where the
// IHE PIV examples put it; the pump server's answers are read from IHE's own
// examples (in place, ../shared/interop).
#include "services/gateway/pcd/order_message.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/hl7/er7.h"
#include "tests/testing/interop_files.h"

namespace kip::pcd {
namespace {

TEST(OrderMessageTest, TheOrderCarriesTheApprovedProgramme) {
  PumpOrderSpec order;
  order.control_id = "ORD-1";
  order.order_id = "KIP-42";
  order.time = absl::FromUnixSeconds(1'795'000'000);
  order.patient_id = "P001";
  order.device_id = "0012210000000000";
  order.drug_code = "KET^1";   // a delimiter in a site's code is escaped
  order.rate_ml_per_h = 24.5;  // 24.5 mg/h at 1 mg/mL
  order.volume_ml = 147;       // 6 h
  order.concentration_mg_per_ml = 1;
  order.weight_kg = 70;
  auto m = hl7::Parse(BuildRgvO15(order));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->segments[0].Get(9, 2), "O15");
  EXPECT_EQ(m->segments[0].Get(10), "ORD-1");
  EXPECT_EQ(m->segments[0].Get(21, 3), "1.3.6.1.4.1.19376.1.6.1.3.1");
  EXPECT_EQ(m->Find("PID")->Get(3), "P001");
  EXPECT_EQ(m->Find("ORC")->Get(2), "KIP-42");
  const hl7::Segment* rxg = m->Find("RXG");
  ASSERT_NE(rxg, nullptr);
  EXPECT_EQ(rxg->Get(4, 1), "KET^1");
  EXPECT_EQ(rxg->Get(5), "147");
  EXPECT_EQ(rxg->Get(7, 1), "263762");
  EXPECT_EQ(rxg->Get(15), "24.5");
  EXPECT_EQ(rxg->Get(16, 1), "265266");
  EXPECT_EQ(rxg->Get(16, 4), "mL/h");
  EXPECT_EQ(rxg->Get(17), "147");  // mg in ...
  EXPECT_EQ(rxg->Get(18, 1), "263890");
  EXPECT_EQ(rxg->Get(23), "147");  // ... mL
  EXPECT_EQ(m->Find("OBX", 0)->Get(18, 3), "0012210000000000");
  EXPECT_EQ(m->Find("OBX", 1)->Get(5), "70");
  EXPECT_EQ(m->Find("OBX", 1)->Get(6, 1), "263875");
}

std::string Ihe(const std::string& file) {
  auto bytes = kip::testing::ReadInteropFile(
      "services/gateway/pcd/order_message_test.cc", "hl7v2/" + file);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.value_or("");
}

TEST(OrderMessageTest, ThePumpServersAnswersFromTheIheExamples) {
  auto commit = ReadOrderAnswer(Ihe("03_pcd03_ack_o15_ex1_accept.hl7"));
  ASSERT_TRUE(commit.ok()) << commit.status();
  EXPECT_EQ(commit->message_type, "ACK^O15");
  EXPECT_EQ(commit->code, "CA");
  EXPECT_EQ(commit->answered_control_id, "1");
  auto empty_msa2 = ReadOrderAnswer(Ihe("05_pcd03_ack_o15_ex2_accept.hl7"));
  ASSERT_TRUE(empty_msa2.ok()) << empty_msa2.status();
  EXPECT_EQ(empty_msa2->code, "CA");
  EXPECT_EQ(empty_msa2->answered_control_id, "");  // the example's defect
  auto refused = ReadOrderAnswer(Ihe("06_pcd03_rrg_o16_ex2_app_reject.hl7"));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->message_type, "RRG^O16");
  EXPECT_EQ(refused->code, "AR");
  EXPECT_EQ(refused->error, "Unable to match medication to drug library");
  EXPECT_FALSE(ReadOrderAnswer(Ihe("02_pcd03_rgv_o15_ex1_dopamine.hl7")).ok());
}

}  // namespace
}  // namespace kip::pcd
