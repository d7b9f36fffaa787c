#include "services/gateway/pcd/order_message.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/gateway/hl7/er7.h"
#include "services/gateway/pcd/mdc.h"

namespace kip::pcd {
namespace {

std::string Number(double value) { return absl::StrFormat("%.4g", value); }

}  // namespace

std::string BuildRgvO15(const PumpOrderSpec& o) {
  const hl7::Delimiters d;
  auto esc = [&](const std::string& text) { return hl7::Escape(text, d); };
  std::string m = absl::StrCat(
      "MSH|^~\\&|KIP_GATEWAY||PUMP_SERVER||",
      absl::FormatTime("%Y%m%d%H%M%S+0000", o.time, absl::UTCTimeZone()),
      "||RGV^O15^RGV_O15|", esc(o.control_id),
      "|P|2.6|||AL|ER|||||IHE_PCD_PIV_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.3.1^"
      "ISO\r");
  absl::StrAppend(&m, "PID|||", esc(o.patient_id), "^^^KIP^PI\r");
  absl::StrAppend(&m, "ORC|RE|", esc(o.order_id), "\r");
  // RXG-4 drug, -5/-7 volume to be infused, -15/-16 rate, -17/-18 strength
  // in mg, -23/-24 the volume that strength is in.
  absl::StrAppend(&m, "RXG|1|||", esc(o.drug_code), "^Ketamine|",
                  Number(o.volume_ml), "||", UnitField(kMl), "||||||||",
                  Number(o.rate_ml_per_h), "|", UnitField(kMlPerHour), "|",
                  Number(o.concentration_mg_per_ml * o.volume_ml), "|",
                  UnitField(kMg), "|||||", Number(o.volume_ml), "|",
                  UnitField(kMl), "\r");
  absl::StrAppend(&m, "RXR|IV||IVP\r");
  absl::StrAppend(&m, "OBX|1||", TermField(kPumpVmd), "||||||||X|||||||^^",
                  esc(o.device_id), "^EUI-64\r");
  if (o.weight_kg.has_value()) {
    absl::StrAppend(&m, "OBX|2|NM|", TermField(kPatientWeight), "||",
                    Number(*o.weight_kg), "|", UnitField(kKg), "\r");
  }
  return m;
}

absl::StatusOr<OrderAnswer> ReadOrderAnswer(absl::string_view message) {
  absl::StatusOr<hl7::Message> parsed = hl7::Parse(message);
  if (!parsed.ok()) return parsed.status();
  const hl7::Segment& msh = parsed->segments.front();
  OrderAnswer answer;
  answer.message_type = absl::StrCat(msh.Get(9, 1), "^", msh.Get(9, 2));
  if (answer.message_type != "ACK^O15" && answer.message_type != "RRG^O16") {
    return absl::InvalidArgumentError(absl::StrCat(
        "MSH-9: ", answer.message_type, " is not ACK^O15 or RRG^O16"));
  }
  const hl7::Segment* msa = parsed->Find("MSA");
  if (msa == nullptr || msa->Get(1).empty()) {
    return absl::InvalidArgumentError(
        "MSA-1: the acknowledgement code is missing");
  }
  answer.code = msa->Get(1);
  answer.answered_control_id = msa->Get(2);
  if (const hl7::Segment* err = parsed->Find("ERR")) {
    // HL7 v2.5 puts the user message in ERR-8, the IHE example the
    // application's error in ERR-5 (code^text) and the HL7 code in ERR-3.
    for (const std::string& text :
         {err->Get(8), err->Get(5, 2), err->Get(5, 1), err->Get(3, 2)}) {
      if (!text.empty()) {
        answer.error = text;
        break;
      }
    }
  }
  return answer;
}

}  // namespace kip::pcd
