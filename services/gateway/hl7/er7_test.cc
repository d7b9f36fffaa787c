// The ER7 parser on messages written for these tests in the shape of the IHE
// PCD ones (the IHE examples themselves stay in ../shared/interop).
#include "services/gateway/hl7/er7.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kip::hl7 {
namespace {

using ::testing::HasSubstr;

// A delivery-start event with a rate in mL/h, a drug name holding an
// escaped delimiter, a repeated field and subcomponents.
constexpr char kEvent[] =
    "MSH|^~\\&|PUMP_SERVER^0011223344556677^EUI-64||KIP||20261124101500+0000"
    "||ORU^R42^ORU_R01|MSG-0001|P|2.6|||NE|AL\r"
    "PID|||MRN-1^^^HOSP^MR~P001^^^KIP^PI\r"
    "OBR|1|ORDER-7^KIP||184504^MDC_PUMP_MODE^MDC\r"
    "OBX|1|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.1|24.9|265266^"
    "MDC_DIM_MILLI_L_PER_HR^MDC~mL/h^mL/h^UCUM\r"
    "OBX|2|ST|184330^MDC_DRUG_NAME_TYPE^MDC|1.1.1.2|Ketamine \\T\\ saline"
    "\\F\\1 mg\\S\\mL||||||F|||||part&of&it\r";

TEST(Er7Test, SplitsSegmentsFieldsRepetitionsComponentsSubcomponents) {
  auto message = Parse(kEvent);
  ASSERT_TRUE(message.ok()) << message.status();
  ASSERT_EQ(message->segments.size(), 5u);
  const Segment& msh = message->segments[0];
  EXPECT_EQ(msh.Get(1), "|");
  EXPECT_EQ(msh.Get(2), "^~\\&");
  EXPECT_EQ(msh.Get(3, 2), "0011223344556677");
  EXPECT_EQ(msh.Get(9, 2), "R42");
  EXPECT_EQ(msh.Get(10), "MSG-0001");
  EXPECT_EQ(msh.Get(12), "2.6");
  const Segment* pid = message->Find("PID");
  ASSERT_NE(pid, nullptr);
  EXPECT_EQ(pid->RepetitionCount(3), 2u);
  EXPECT_EQ(pid->Get(3, 1, 1, 2), "P001");
  EXPECT_EQ(pid->Get(3, 5, 1, 2), "PI");
  const Segment* rate = message->Find("OBX", 0);
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->Get(3, 1), "157784");
  EXPECT_EQ(rate->Get(5), "24.9");
  EXPECT_EQ(rate->Get(6, 1), "265266");
  EXPECT_EQ(rate->Get(6, 3, 1, 2), "UCUM");
  const Segment* drug = message->Find("OBX", 1);
  ASSERT_NE(drug, nullptr);
  EXPECT_EQ(drug->Get(5), "Ketamine & saline|1 mg^mL");
  EXPECT_EQ(drug->Get(11), "F");
  EXPECT_EQ(drug->Get(16, 1, 2), "of");
  // Beyond what the message holds: empty, never out of range.
  EXPECT_EQ(drug->Get(99), "");
  EXPECT_EQ(drug->Get(5, 9), "");
  EXPECT_EQ(drug->Get(5, 1, 9), "");
  EXPECT_EQ(drug->Get(0), "");
  EXPECT_EQ(message->Find("OBX", 2), nullptr);
}

TEST(Er7Test, LooseLineEndsAreAccepted) {
  std::string lf = kEvent;
  for (char& c : lf) {
    if (c == '\r') c = '\n';
  }
  std::string crlf;
  for (char c : std::string(kEvent)) {
    crlf += c == '\r' ? std::string("\r\n") : std::string(1, c);
  }
  std::string no_final = kEvent;
  no_final.pop_back();
  for (const std::string& text : {lf, crlf, no_final}) {
    auto message = Parse(text);
    ASSERT_TRUE(message.ok()) << message.status();
    EXPECT_EQ(message->segments.size(), 5u);
    EXPECT_EQ(message->Find("OBX", 1)->Get(16, 1, 3), "it");
  }
}

TEST(Er7Test, OtherDelimitersAreHonoured) {
  auto message = Parse(
      "MSH#*$?@#A#B#C#D#20261124##ACK*O15#42#P#2.5\rMSA#CA#7\rERR###a*b$c@d");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->delimiters.field, '#');
  EXPECT_EQ(message->segments[0].Get(9, 2), "O15");
  const Segment* err = message->Find("ERR");
  EXPECT_EQ(err->Get(3, 2), "b");
  EXPECT_EQ(err->Get(3, 1, 1, 2), "c");
  EXPECT_EQ(err->Get(3, 1, 2, 2), "d");
}

void ExpectRefused(const std::string& text, const std::string& where,
                   const Limits& limits = {}) {
  auto message = Parse(text, limits);
  EXPECT_EQ(message.status().code(), absl::StatusCode::kInvalidArgument)
      << text.substr(0, 60);
  EXPECT_THAT(std::string(message.status().message()), HasSubstr(where));
}

TEST(Er7Test, MalformedTruncatedAndOversizedMessagesAreRefusedByName) {
  ExpectRefused("", "MSH (segment 1): a message starts with an MSH segment");
  ExpectRefused("PID|1\r", "MSH (segment 1)");
  ExpectRefused("MSH|^~", "MSH-2 (segment 1): the message ends before");
  ExpectRefused("MSH|^~\\|A|B\r", "MSH-2 (segment 1): has 3 encoding");
  ExpectRefused("MSH|^^\\&|A\r", "delimiters must be five distinct");
  ExpectRefused("MSHa^~\\&|A\r", "MSH-1");
  ExpectRefused("MSH|^~\\&|A|B|C|D|20261124||ORU^R42\r", "MSH-10");
  ExpectRefused("MSH|^~\\&|A|B|C|D|20261124|||1\r", "MSH-9");
  const std::string head = "MSH|^~\\&|A|B|C|D|20261124||ORU^R42|1|P|2.6\r";
  ExpectRefused(head + "obx|1\r", "segment 2 (segment 2): does not start");
  ExpectRefused(head + "OBXX|1\r", "segment 2 (segment 2)");
  Limits small;
  small.max_message_bytes = 100;
  ExpectRefused(head + "NTE|" + std::string(200, 'x') + "\r",
                "is over the limit of 100", small);
  small = Limits();
  small.max_segments = 3;
  ExpectRefused(head + "NTE|1\rNTE|2\rNTE|3\r", "more than 3 segments", small);
  small = Limits();
  small.max_fields_per_segment = 12;
  ExpectRefused(head + "OBX|1|2|3|4|5|6|7|8|9|10|11|12|13\r",
                "OBX (segment 2): more than 12", small);
  small = Limits();
  small.max_repetitions_per_field = 2;
  ExpectRefused(head + "PID|||a~b~c\r", "PID-3 (segment 2): more than 2",
                small);
  small = Limits();
  small.max_components = 2;
  ExpectRefused(head + "OBX|1|2|a^b^c\r", "OBX-3 (segment 2): more than 2",
                small);
}

TEST(Er7Test, EscapesDecodeAndRoundTrip) {
  const Delimiters d;
  EXPECT_EQ(Unescape("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", d), "a|b^c&d~e\\f");
  EXPECT_EQ(Unescape("\\X0D0A\\", d), "\r\n");
  EXPECT_EQ(Unescape("\\H\\bold\\N\\", d), "bold");
  // Unknown, malformed and unterminated escapes are kept as written.
  EXPECT_EQ(Unescape("\\.br\\", d), "\\.br\\");
  EXPECT_EQ(Unescape("\\XZZ\\", d), "\\XZZ\\");
  EXPECT_EQ(Unescape("\\X0\\", d), "\\X0\\");
  EXPECT_EQ(Unescape("dangling \\F", d), "dangling \\F");
  const std::string awkward = "5 mg|mL^x&y~z\\w\r\nend";
  EXPECT_EQ(Escape(awkward, d),
            "5 mg\\F\\mL\\S\\x\\T\\y\\R\\z\\E\\w\\X0D\\\\X0A\\end");
  EXPECT_EQ(Unescape(Escape(awkward, d), d), awkward);
  // An escaped value reads back as one field of a parsed message.
  auto message = Parse("MSH|^~\\&|A|B|C|D|20261124||ACK^O15|1|P|2.5\rNTE|1||" +
                       Escape(awkward, d) + "\r");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->Find("NTE")->Get(3), awkward);
}

}  // namespace
}  // namespace kip::hl7
