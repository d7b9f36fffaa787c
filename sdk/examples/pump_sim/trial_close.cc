#include "sdk/examples/pump_sim/trial_close.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sdk/cpp/sessions_client.h"
#include "sdk/examples/common/demo_calls.h"

namespace kip::demo {

namespace {

namespace sv1 = kip::sessions::v1;

kip::SessionLogClient Client(const std::string& address,
                             const std::string& token) {
  return kip::SessionLogClient(kip::MakeSessionLogConnection(
      kip::examples::DemoConnection(address, token, absl::Seconds(30))));
}

void PrintSafetyReports(kip::SessionLogClient& sessions,
                        const std::string& study_id) {
  sv1::ListSafetyReportsRequest request;
  request.set_study_id(study_id);
  const auto reports = kip::examples::OrDie(sessions.ListSafetyReports(request),
                                            "ListSafetyReports");
  std::printf("safety: %d serious adverse event(s)\n", reports.reports_size());
  for (const sv1::SafetyReport& r : reports.reports()) {
    for (const sv1::ReportClock& c : r.clocks()) {
      std::printf("  %s %s: %s, %s %.1f h\n", r.patient_id().c_str(),
                  sv1::SideEffectType_Name(r.side_effect().type()).c_str(),
                  sv1::SafetyReportKind_Name(c.kind()).c_str(),
                  sv1::ReportClock::State_Name(c.state()).c_str(),
                  c.seconds_left() / 3600.0);
    }
  }
}

void PrintDeviations(kip::SessionLogClient& sessions,
                     const std::string& study_id) {
  sv1::ListDeviationsRequest request;
  request.set_study_id(study_id);
  const absl::StatusOr<sv1::ListDeviationsResponse> listed =
      sessions.ListDeviations(request);
  if (!listed.ok()) {
    std::printf("deviations: not listed (%s)\n",
                std::string(listed.status().message()).c_str());
    return;
  }
  std::printf("deviations: %d found from the log (%d rules)\n",
              listed->deviations_size(), listed->rules_size());
  for (const sv1::Deviation& d : listed->deviations()) {
    std::printf("  %s %s %s: %s\n", d.patient_id().c_str(),
                sv1::DeviationSeverity_Name(d.severity()).c_str(),
                d.code().c_str(), d.detail().c_str());
  }
}

void SignFirstCasebook(kip::SessionLogClient& investigator,
                       const std::string& study_id) {
  sv1::SignRecordsRequest sign;
  sign.set_study_id(study_id);
  sign.set_patient_id("P001");
  sign.set_meaning(sv1::APPROVED);
  sign.set_printed_name("Dr Demo Investigator");
  const auto signed_records =
      kip::examples::OrDie(investigator.SignRecords(sign), "SignRecords");
  sv1::VerifySessionRequest verify;
  verify.set_session_id(signed_records.signature_events(0).session_id());
  const auto verified =
      kip::examples::OrDie(investigator.VerifySession(verify), "VerifySession");
  std::printf(
      "casebook of P001 signed (%s, %d sessions); first session's "
      "signature: %s\n",
      sv1::SignatureMeaning_Name(sign.meaning()).c_str(),
      signed_records.signature_events_size(),
      verified.signatures_size() > 0
          ? sv1::SignatureCheck::State_Name(verified.signatures(0).state())
                .c_str()
          : "missing");
}

// The study exported in `format` by the admin, written whole under
// `out_dir`; returns its path and size.
std::pair<std::string, size_t> Export(kip::SessionLogClient& admin,
                                      const std::string& study_id,
                                      sv1::ExportFormat format,
                                      const std::string& out_dir) {
  sv1::ExportStudyRequest request;
  request.set_study_id(study_id);
  request.set_format(format);
  std::string bytes, name;
  const absl::Status status =
      admin.ExportStudy(request, [&](const sv1::ExportStudyResponse& chunk) {
        name = chunk.table_name();
        bytes += chunk.csv_chunk();
        return true;
      });
  if (!status.ok()) {
    std::fprintf(stderr, "pump_sim: ExportStudy: %s\n",
                 status.ToString().c_str());
    std::exit(1);
  }
  const std::string path = out_dir + "/" + name;
  std::ofstream(path) << bytes;
  return {path, bytes.size()};
}

}  // namespace

void CloseTrial(const std::string& study_id, const std::string& out_dir,
                const std::string& sessions_address,
                const std::string& investigator_token,
                const std::string& admin_token) {
  kip::SessionLogClient investigator =
      Client(sessions_address, investigator_token);
  kip::SessionLogClient admin = Client(sessions_address, admin_token);
  PrintSafetyReports(investigator, study_id);
  PrintDeviations(investigator, study_id);
  SignFirstCasebook(investigator, study_id);
  const auto [odm, odm_bytes] = Export(admin, study_id, sv1::ODM, out_dir);
  std::printf("CDISC ODM 1.3.2: %s (%zu bytes)\n", odm.c_str(), odm_bytes);
  const auto [fhir, fhir_bytes] = Export(admin, study_id, sv1::FHIR, out_dir);
  std::printf("HL7 FHIR R4 bundle: %s (%zu bytes)\n", fhir.c_str(), fhir_bytes);
}

}  // namespace kip::demo
