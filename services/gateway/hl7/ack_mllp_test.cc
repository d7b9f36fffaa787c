// ACKs read back as HL7 naming what they answer; MLLP frames survive any
// split of the byte stream, and stray, truncated and oversized frames are
// reported and skipped without losing the next good one.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/hl7/ack.h"
#include "services/gateway/hl7/er7.h"
#include "services/gateway/hl7/mllp.h"

namespace kip::hl7 {
namespace {

using ::testing::HasSubstr;

constexpr char kEvent[] =
    "MSH|^~\\&|PUMP_SERVER^0011223344556677^EUI-64||KIP||20261124101500+0000"
    "||ORU^R42^ORU_R01|MSG-0001|P|2.6\rPID|||P001^^^KIP^PI\r";
const absl::Time kNow = absl::FromUnixSeconds(1'795'000'000);

TEST(AckTest, AnAcceptNamesTheMessageItAnswers) {
  const std::string ack =
      BuildAck(kEvent, AckCode::kAccept, nullptr, kNow, "KIP_GATEWAY", "ACK-1");
  auto parsed = Parse(ack);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << ack;
  const Segment& msh = parsed->segments[0];
  EXPECT_EQ(msh.Get(3), "KIP_GATEWAY");
  EXPECT_EQ(msh.Get(5, 2), "0011223344556677");  // back to the sender
  EXPECT_EQ(msh.Get(9, 1), "ACK");
  EXPECT_EQ(msh.Get(9, 2), "R42");
  EXPECT_EQ(msh.Get(10), "ACK-1");
  EXPECT_EQ(msh.Get(12), "2.6");
  EXPECT_EQ(parsed->Find("MSA")->Get(1), "AA");
  EXPECT_EQ(parsed->Find("MSA")->Get(2), "MSG-0001");
  EXPECT_EQ(parsed->Find("ERR"), nullptr);
}

TEST(AckTest, AnErrorNamesTheSegmentAndField) {
  AckError error{"OBX", 7, 5, 102, "rate '2^4' is not a number"};
  const std::string ack =
      BuildAck(kEvent, AckCode::kError, &error, kNow, "KIP", "ACK-2");
  auto parsed = Parse(ack);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Find("MSA")->Get(1), "AE");
  const Segment* err = parsed->Find("ERR");
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->Get(2, 1), "OBX");
  EXPECT_EQ(err->Get(2, 2), "7");
  EXPECT_EQ(err->Get(2, 3), "5");
  EXPECT_EQ(err->Get(3, 1), "102");
  EXPECT_EQ(err->Get(3, 2), "Data type error");
  EXPECT_EQ(err->Get(4), "E");
  EXPECT_EQ(err->Get(8), "rate '2^4' is not a number");  // escaped, read back
}

TEST(AckTest, GarbageStillGetsARejectThatParses) {
  for (const std::string& garbage :
       {std::string(""), std::string("hello"), std::string("MSH|^~"),
        std::string("MSH#*$?@#A#B#C#D#1##ORU*R42#C-9#P#2.5")}) {
    AckError error{"MSH", 1, 0, 207, "not HL7"};
    const std::string ack =
        BuildAck(garbage, AckCode::kReject, &error, kNow, "KIP", "ACK-3");
    auto parsed = Parse(ack);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << " for " << garbage;
    EXPECT_EQ(parsed->Find("MSA")->Get(1), "AR");
  }
  // Another sender's delimiters: its control id is still echoed.
  const std::string ack = BuildAck("MSH#*$?@#A#B#C#D#1##ORU*R42#C-9#P#2.5",
                                   AckCode::kReject, nullptr, kNow, "KIP", "4");
  EXPECT_EQ(Parse(ack)->Find("MSA")->Get(2), "C-9");
  EXPECT_EQ(Parse(ack)->segments[0].Get(9, 2), "R42");
}

TEST(MllpTest, FramesSurviveAnySplitOfTheStream) {
  const std::string stream = MllpFrame("first\rmessage") + "\r\n" +
                             MllpFrame("second") + MllpFrame("x\x1cy");
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    MllpDeframer deframer;
    std::vector<std::string> got;
    for (size_t i = 0; i < stream.size(); i += chunk) {
      deframer.Feed(absl::string_view(stream).substr(i, chunk));
      for (auto next = deframer.Next(); next.ok(); next = deframer.Next()) {
        got.push_back(*next);
      }
    }
    ASSERT_EQ(got.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(got[0], "first\rmessage");
    EXPECT_EQ(got[1], "second");
    EXPECT_EQ(got[2], "x\x1cy");
    EXPECT_EQ(deframer.Pending(), 0u);
  }
}

TEST(MllpTest, StrayTruncatedAndOversizedFramesAreNamedAndSkipped) {
  MllpDeframer deframer(16);
  deframer.Feed("junk" + MllpFrame("ok-1"));
  auto stray = deframer.Next();
  EXPECT_EQ(stray.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(stray.status().message()), HasSubstr("4 byte(s)"));
  EXPECT_EQ(*deframer.Next(), "ok-1");
  deframer.Feed(std::string(1, kMllpStart) + "cut off" + MllpFrame("ok-2"));
  EXPECT_THAT(std::string(deframer.Next().status().message()),
              HasSubstr("truncated"));
  EXPECT_EQ(*deframer.Next(), "ok-2");
  deframer.Feed(MllpFrame(std::string(1000, 'x')) + MllpFrame("ok-3"));
  EXPECT_THAT(std::string(deframer.Next().status().message()),
              HasSubstr("over the limit of 16 bytes"));
  EXPECT_EQ(*deframer.Next(), "ok-3");
  EXPECT_EQ(deframer.Next().status().code(), absl::StatusCode::kNotFound);
  EXPECT_LE(deframer.Pending(), 16u);
}

}  // namespace
}  // namespace kip::hl7
