// `kipctl sessions export --format fhir` end to end, on SQLite and
// PostgreSQL: a session logged through a real sessions server comes out as
// one FHIR R4 Bundle per study that the FHIR R4 JSON Schema accepts, with the
// rates and periods the pump ran at, and with no more than each role may see
// (a researcher: no free text; a blinded study: no arms, no drug name).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/sessions/store/row_codec.h"
#include "tests/integration/cli_run.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/sessions_on_backend.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/fhir_validation.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

class FhirExportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto server =
        testing::StartSessionsOnBackend(GetParam(), {auth_.PublicKeyFlag()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<testing::ServerProcess>(std::move(*server));
    stub_ = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
  }

  testing::CliRun Kipctl(const std::string& args, const std::string& role) {
    return testing::RunCli(
        absl::StrCat("sdk/kipctl/kipctl --token=", auth_.Token(role),
                     " --target=", server_->address(), " ", args));
  }

  // Two hours ago: 24.5 mg/h for 60 min, 35 mg/h ("pain 8/10, seen by Dr
  // Who") for 30 min, paused 10 min, 35 mg/h for 20 min, stopped; a pain
  // score, vitals, a side effect with a description.
  void LogSession(const std::string& study) {
    sv1::StartSessionRequest start;
    *start.mutable_session() = sessions::testing::MakeSession(study, "P1");
    start.mutable_session()->set_device_id("pump-9");
    sv1::StartSessionResponse started;
    grpc::Status status =
        stub_->StartSession(auth_.Context("device").get(), start, &started);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const std::string session = started.session().session_id();
    sv1::AppendEventsRequest append;
    auto add = [&](int minute) {
      sv1::Event* e = append.add_events();
      e->set_event_id(sessions::testing::NewUuid());
      e->set_session_id(session);
      *e->mutable_device_time() =
          sessions::ToTimestamp(t0_ + absl::Minutes(minute));
      return e;
    };
    auto* x = add(0)->mutable_infusion_started();
    x->set_rate_mg_per_h(24.5);
    x->set_concentration_mg_per_ml(1);
    auto* change = add(60)->mutable_rate_changed();
    change->set_rate_mg_per_h(35);
    change->set_reason("pain 8/10, seen by Dr Who");
    add(90)->mutable_infusion_paused();
    add(100)->mutable_infusion_resumed();
    auto* pain = add(105)->mutable_pain_score();
    pain->set_nrs(5);
    pain->set_timepoint(sv1::DURING);
    auto* vitals = add(106)->mutable_vital_signs();
    vitals->set_heart_rate_per_min(88);
    vitals->set_respiratory_rate_per_min(14);
    auto* nausea = add(110)->mutable_side_effect();
    nausea->set_type(sv1::NAUSEA);
    nausea->set_severity(sv1::MILD);
    nausea->set_description("felt sick after lunch with Mrs Brown");
    add(120)->mutable_infusion_stopped();
    sv1::AppendEventsResponse acks;
    status =
        stub_->AppendEvents(auth_.Context("clinician").get(), append, &acks);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Exports `study` as `role`, checks the file against the schema, returns
  // its text.
  std::string Export(const std::string& study, const std::string& role) {
    const std::string dir =
        absl::StrCat(getenv("TEST_TMPDIR"), "/", GetParam(), "-", role);
    testing::CliRun cli = Kipctl(absl::StrCat("sessions export --study ", study,
                                              " --format fhir --out ", dir),
                                 role);
    EXPECT_EQ(cli.exit_status, 0) << cli.err;
    const std::string path = absl::StrCat(dir, "/", study, ".fhir.json");
    EXPECT_THAT(cli.out, HasSubstr(path));
    const absl::Status valid = testing::ValidateFhirFiles({path});
    EXPECT_TRUE(valid.ok()) << role << ": " << valid;
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  static std::vector<Json> OfType(const Json& bundle, const std::string& type) {
    std::vector<Json> out;
    for (const Json& entry : bundle["entry"]) {
      if (entry["resource"]["resourceType"] == type)
        out.push_back(entry["resource"]);
    }
    return out;
  }

  const testing::TestAuth auth_;
  const absl::Time t0_ = absl::FromUnixSeconds(
      absl::ToUnixSeconds(absl::Now() - absl::Hours(3)) / 60 * 60);
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<sv1::SessionLogService::Stub> stub_;
};

TEST_P(FhirExportTest, ValidBundleWithTheIntervalsThePumpRan) {
  ASSERT_TRUE(testing::CreateStudyS1WithPatientP1(*stub_, auth_.AsRole()).ok());
  ASSERT_NO_FATAL_FAILURE(LogSession("S1"));
  const std::string admin_text = Export("S1", "admin");
  const Json bundle = Json::parse(admin_text);
  EXPECT_EQ(bundle["type"], "collection");
  EXPECT_EQ(OfType(bundle, "ResearchStudy").size(), 1u);
  EXPECT_EQ(OfType(bundle, "Patient").size(), 1u);
  EXPECT_EQ(OfType(bundle, "ResearchSubject").size(), 1u);
  ASSERT_EQ(OfType(bundle, "Device").size(), 1u);
  EXPECT_EQ(OfType(bundle, "Device")[0]["identifier"][0]["value"], "pump-9");
  const std::vector<Json> given = OfType(bundle, "MedicationAdministration");
  ASSERT_EQ(given.size(), 3u);
  const double rates[] = {24.5, 35, 35};
  const int minutes[][2] = {{0, 60}, {60, 90}, {100, 120}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(given[i]["dosage"]["rateQuantity"]["value"], rates[i]);
    EXPECT_EQ(given[i]["effectivePeriod"]["start"],
              absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                               t0_ + absl::Minutes(minutes[i][0]),
                               absl::UTCTimeZone()));
    EXPECT_EQ(given[i]["effectivePeriod"]["end"],
              absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                               t0_ + absl::Minutes(minutes[i][1]),
                               absl::UTCTimeZone()));
  }
  // pain, heart rate, respiratory rate
  const std::vector<Json> observations = OfType(bundle, "Observation");
  ASSERT_EQ(observations.size(), 3u);
  EXPECT_EQ(observations[0]["code"]["coding"][0]["code"], "72514-3");
  EXPECT_EQ(observations[1]["code"]["coding"][0]["code"], "8867-4");
  EXPECT_EQ(observations[2]["code"]["coding"][0]["code"], "9279-1");
  ASSERT_EQ(OfType(bundle, "AdverseEvent").size(), 1u);
  // An admin reads the free text; a researcher does not.
  EXPECT_THAT(admin_text, HasSubstr("Dr Who"));
  EXPECT_THAT(admin_text, HasSubstr("Mrs Brown"));
  const std::string researcher_text = Export("S1", "researcher");
  EXPECT_THAT(researcher_text, Not(HasSubstr("Dr Who")));
  EXPECT_THAT(researcher_text, Not(HasSubstr("Mrs Brown")));
  EXPECT_EQ(
      OfType(Json::parse(researcher_text), "MedicationAdministration").size(),
      3u);
  // A device may not export.
  EXPECT_EQ(Kipctl("sessions export --study S1 --format fhir --out " +
                       std::string(getenv("TEST_TMPDIR")) + "/x",
                   "device")
                .exit_status,
            1);
  EXPECT_EQ(
      Kipctl("sessions export --study S1 --format hl7 --out /tmp/x", "admin")
          .exit_status,
      2);
}

TEST_P(FhirExportTest, ABlindedStudyShowsNeitherArmNorDrug) {
  testing::CliRun cli = Kipctl(
      "sessions create-study --study T1 --arms 'ketamine:Ketamine "
      "0.5 mg/kg/h,placebo:Saline' --randomise blocks --blinded",
      "clinician");
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  cli = Kipctl(
      "sessions enroll --study T1 --patient P1 --site site-a --weight-kg 70 "
      "--sex F --age-band 40-49 --baseline-pain 7",
      "clinician");
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  ASSERT_NO_FATAL_FAILURE(LogSession("T1"));
  const std::string researcher = Export("T1", "researcher");
  EXPECT_THAT(researcher, Not(HasSubstr("ketamine\"")));
  EXPECT_THAT(researcher, Not(HasSubstr("\"placebo\"")));
  EXPECT_THAT(researcher, Not(HasSubstr("Saline")));
  EXPECT_THAT(researcher, Not(HasSubstr("N01AX03")));
  EXPECT_THAT(researcher,
              HasSubstr("blinded study drug (ketamine or placebo)"));
  EXPECT_FALSE(OfType(Json::parse(researcher), "ResearchSubject")[0].contains(
      "assignedArm"));
  // The statistician sees arms; the drug stays unnamed while blinded.
  const Json statistician = Json::parse(Export("T1", "statistician"));
  EXPECT_TRUE(
      OfType(statistician, "ResearchSubject")[0].contains("assignedArm"));
  EXPECT_EQ(OfType(statistician, "ResearchStudy")[0]["arm"].size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Stores, FhirExportTest,
                         ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace kip
