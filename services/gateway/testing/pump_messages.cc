#include "services/gateway/testing/pump_messages.h"

#include "absl/strings/str_cat.h"

namespace kip::gateway::testing {
namespace {

std::string Hl7Time(absl::Time t) {
  return absl::FormatTime("%Y%m%d%H%M%S+0000", t, absl::UTCTimeZone());
}

}  // namespace

std::string PumpEventMessage(const std::string& control_id, absl::Time time,
                             const PumpObservation& o,
                             const std::string& patient_id,
                             const std::string& device_id) {
  const std::string at = Hl7Time(time);
  std::string m = absl::StrCat(
      "MSH|^~\\&|SRV^9999990000000000^EUI-64||KIP||", at, "||",
      o.event.empty() ? "ORU^R01^ORU_R01" : "ORU^R42^ORU_R01", "|", control_id,
      "|P|2.6\rPID|||MRN-1^^^H^MR~", patient_id, "^^^KIP^PI\rOBR|1|||x|||", at,
      "\rOBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||||"
      "||E1^^",
      device_id, "^EUI-64\r");
  int n = 1;
  if (!o.event.empty()) {
    absl::StrAppend(&m, "OBX|", ++n,
                    "|CWE|68487^MDC_ATTR_EVT_COND^MDC|1.0.0.2|0^MDCX_EVT_PUMP_"
                    "DELIV_",
                    o.event, "^MDC||||||R|||", at, "\r");
  }
  absl::StrAppend(&m, "OBX|", ++n,
                  "|CWE|184519^MDC_PUMP_INFUSING_STATUS^MDC|1.1.1.1|^pump-"
                  "status-",
                  o.status, "||||||R\r");
  if (o.rate_ml_per_h >= 0) {
    absl::StrAppend(
        &m, "OBX|", ++n, "|NM|158014^MDC_FLOW_FLUID_PUMP_CURRENT^MDC|1.1.1.2|",
        o.rate_ml_per_h, "|265266^MDC_DIM_MILLI_L_PER_HR^MDC|||||R\r");
  }
  absl::StrAppend(&m, "OBX|", ++n,
                  "|ST|184514^MDC_DRUG_NAME_LABEL^MDC|1.1.2.1|", o.drug,
                  "||||||R\r");
  if (o.concentration_mg_per_ml >= 0) {
    absl::StrAppend(&m, "OBX|", ++n, "|NM|157760^MDC_CONC_DRUG^MDC|1.1.2.2|",
                    o.concentration_mg_per_ml,
                    "|264306^MDC_DIM_MILLI_G_PER_ML^MDC|||||R\r");
  }
  return m;
}

std::string PumpAlarmMessage(const std::string& control_id, absl::Time time,
                             const std::string& phase,
                             const std::string& patient_id,
                             const std::string& device_id) {
  const std::string at = Hl7Time(time);
  return absl::StrCat(
      "MSH|^~\\&|SRV^9999990000000000^EUI-64||KIP||", at, "||ORU^R40^ORU_R40|",
      control_id, "|P|2.6\rPID|||", patient_id,
      "^^^KIP^PI\rOBR|1|||196616^MDC_EVT_ALARM^MDC|||", at,
      "\rOBX|1|CWE|196616^MDC_EVT_ALARM^MDC|1.0.0.0.1|196940^MDC_EVT_FLUID_"
      "LINE_OCCL^MDC^^^^^^Occlusion|||ST|||F|||||||P1^^",
      device_id, "^EUI-64\rOBX|2|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.0.0.0.3|",
      phase,
      "||||||F\rOBX|3|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.0.0.0.4|active||||||"
      "F\r");
}

}  // namespace kip::gateway::testing
