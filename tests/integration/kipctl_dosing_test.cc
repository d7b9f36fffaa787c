// The kipctl command-line contract of issue #3, run as a user would: the real
// kipctl binary against a real dosing_server. JSON field names are checked
// exactly (users script against them); invalid input exits 2 with one line.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tests/integration/cli_run.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"

namespace kip {
namespace {

using nlohmann::json;

using ::kip::testing::CliRun;

class KipctlDosingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const testing::TestAuth auth;
    token_ = new std::string(auth.Token("clinician"));
    auto server = testing::ServerProcess::Start(
        "services/dosing/dosing_server",
        {auth.PublicKeyFlag(), "--sessions_address="}, "dosing");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = new testing::ServerProcess(std::move(*server));
  }
  static void TearDownTestSuite() { delete server_; }

  static CliRun Kipctl(const std::string& args) {
    return testing::RunCli(absl::StrCat("sdk/kipctl/kipctl --token=", *token_,
                                        " --dosing=", server_->address(), " ",
                                        args));
  }

  static std::vector<std::string> Keys(const json& object) {
    std::vector<std::string> keys;
    for (auto it = object.begin(); it != object.end(); ++it)
      keys.push_back(it.key());
    return keys;
  }

  static void ExpectHas(const json& object,
                        const std::vector<std::string>& fields) {
    for (const std::string& field : fields) {
      EXPECT_TRUE(object.contains(field))
          << "missing \"" << field << "\" in " << object.dump();
    }
  }

  static std::string* token_;
  static testing::ServerProcess* server_;
};
std::string* KipctlDosingTest::token_ = nullptr;
testing::ServerProcess* KipctlDosingTest::server_ = nullptr;

TEST_F(KipctlDosingTest, PlanJsonHasTheContractFields) {
  CliRun run = Kipctl(
      "dosing plan --protocol bosma-2018 --weight-kg 70 "
      "--concentration-mg-per-ml 1 --json");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json plan = json::parse(run.out);
  ExpectHas(plan, {"protocol_id", "library_version", "library_hash",
                   "dosing_weight_kg", "sessions", "course_max_total_mg",
                   "warnings"});
  ASSERT_EQ(plan["sessions"].size(), 5u);
  const json& session = plan["sessions"][0];
  ExpectHas(session, {"day", "duration_min", "steps", "min_rate_mg_per_h",
                      "max_rate_mg_per_h", "planned_total_mg", "max_total_mg"});
  ExpectHas(session["steps"][0],
            {"offset_min", "rate_mg_per_kg_per_h", "rate_mg_per_h",
             "rate_ml_per_h", "rate_ml_per_h_exact"});
  EXPECT_EQ(session["steps"][0]["rate_mg_per_h"].get<double>(), 35.0);
  EXPECT_EQ(plan["course_max_total_mg"].get<double>(), 4200.0);
  EXPECT_EQ(plan["library_hash"].get<std::string>().size(), 64u);
}

TEST_F(KipctlDosingTest, ValidateJsonReportsTheVerdictAndEveryViolation) {
  CliRun run = Kipctl(
      "dosing validate --protocol bosma-2018 --weight-kg 70 "
      "--concentration-mg-per-ml 1 "
      "--rate-mg-per-h 21 --duration-min 60 --care-area OUTPATIENT_PAIN "
      "--json");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  json result = json::parse(run.out);
  ExpectHas(result, {"verdict", "violations"});
  EXPECT_EQ(result["verdict"], "SOFT_LIMIT");
  ExpectHas(result["violations"][0],
            {"severity", "limit", "value", "bound", "unit"});
  EXPECT_EQ(result["violations"][0]["limit"], "protocol.rate_min");
  run = Kipctl(
      "dosing validate --protocol bosma-2018 --weight-kg 70 "
      "--concentration-mg-per-ml 1 "
      "--rate-mg-per-h 21 --duration-min 60 --override-reason 'nausea at 0.5' "
      "--clinician dr-7 --json");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_TRUE(json::parse(run.out)["approved"].get<bool>());
}

// Issue #12: a 40 kg, 190 cm man dosed on his ideal weight (84 kg). 168 mg/h
// is 2 mg/kg/h of 84 kg but 4.2 mg/kg/h of the body that receives it.
TEST_F(KipctlDosingTest, AHardLimitHoldsOnTheActualBodyWhateverTheWeightBasis) {
  for (const char* basis : {"IDEAL", "ADJUSTED"}) {
    CliRun run = Kipctl(absl::StrCat(
        "dosing validate --protocol bosma-2018 --weight-kg 40 --height-cm 190 "
        "--sex M --weight-basis ",
        basis,
        " --concentration-mg-per-ml 2 --rate-mg-per-h 168 --duration-min 60 "
        "--override-reason trial --clinician C1 --json"));
    ASSERT_EQ(run.exit_status, 0) << run.err;
    const json out = json::parse(run.out);
    EXPECT_EQ(out["verdict"], "HARD_LIMIT") << basis;
    EXPECT_EQ(out["approved"], false);
    bool named = false;
    for (const json& v : out["violations"]) {
      if (v["limit"] != "drug_library.continuous_rate_max") continue;
      named = true;
      EXPECT_DOUBLE_EQ(v["value"].get<double>(), 4.2);
      EXPECT_EQ(v["weight"]["kg"].get<double>(), 40.0);
      EXPECT_EQ(v["weight"]["basis"], "ACTUAL");
    }
    EXPECT_TRUE(named) << run.out;
    EXPECT_EQ(out["hard_limit_weight"]["kg"].get<double>(), 40.0);
  }
  CliRun text = Kipctl(
      "dosing validate --protocol bosma-2018 --weight-kg 40 --height-cm 190 "
      "--sex M --weight-basis IDEAL --concentration-mg-per-ml 2 "
      "--rate-mg-per-h 168 --duration-min 60");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("drug_library.continuous_rate_max: 4.2 mg/kg/h, "
                          "bound 2 (on 40.0 kg ACTUAL)"),
            std::string::npos)
      << text.out;
  CliRun plan = Kipctl(
      "dosing plan --protocol bosma-2018 --weight-kg 40 --height-cm 190 "
      "--sex M --weight-basis IDEAL --concentration-mg-per-ml 2 --json");
  ASSERT_EQ(plan.exit_status, 0) << plan.err;
  const json planned = json::parse(plan.out);
  EXPECT_EQ(planned["sessions"][0]["max_rate_mg_per_h"].get<double>(), 80.0);
  EXPECT_EQ(planned["hard_limit_weight"]["kg"].get<double>(), 40.0);
}

TEST_F(KipctlDosingTest, TitrateTakesThePatientLikePlanAndValidate) {
  CliRun run = Kipctl(
      "dosing titrate --protocol bosma-2018 --weight-kg 40 --height-cm 190 "
      "--sex M --weight-basis IDEAL --current-rate-mg-per-h 80 "
      "--concentration-mg-per-ml 2 --pain-nrs 7 --side-effect nausea "
      "--since-last-change-min 30 --json");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json out = json::parse(run.out);
  ExpectHas(out, {"action", "new_rate_mg_per_h", "new_rate_mg_per_kg_per_h",
                  "new_rate_ml_per_h", "rule_id", "rule_description",
                  "next_review_after_s", "max_rate_mg_per_h",
                  "hard_limit_weight", "library_version", "library_hash"});
  // Side effects on bosma-2018 (no sourced step): down to the protocol
  // minimum, 0.5 mg/kg/h x 84.05 kg ideal = 42.02 mg/h.
  EXPECT_EQ(out["action"], "DECREASE");
  EXPECT_NEAR(out["new_rate_mg_per_h"].get<double>(), 42.02, 0.01);
  EXPECT_EQ(out["max_rate_mg_per_h"].get<double>(), 80.0);
  EXPECT_EQ(out["hard_limit_weight"]["basis"], "ACTUAL");
  // Above the drug library's maximum on the actual body: refused.
  CliRun above = Kipctl(
      "dosing titrate --protocol bosma-2018 --weight-kg 40 --height-cm 190 "
      "--sex M --weight-basis IDEAL --current-rate-mg-per-h 168");
  EXPECT_EQ(above.exit_status, 2);
  EXPECT_NE(above.err.find("current_rate_mg_per_h"), std::string::npos)
      << above.err;
}

TEST_F(KipctlDosingTest, ACareAreaRefusalNamesTheAreasTheProtocolRunsIn) {
  // The default care area is OUTPATIENT_PAIN; the 100 h infusion runs on a
  // ward or in ICU.
  for (const char* command :
       {"dosing plan --protocol continuous-20-30mgh-100h --weight-kg 70 "
        "--concentration-mg-per-ml 1",
        "dosing validate --protocol continuous-20-30mgh-100h --weight-kg 70 "
        "--concentration-mg-per-ml 1 --rate-mg-per-h 20 --duration-min 60",
        "dosing titrate --protocol continuous-20-30mgh-100h --weight-kg 70 "
        "--current-rate-mg-per-h 20"}) {
    CliRun run = Kipctl(command);
    EXPECT_EQ(run.exit_status, 2) << command;
    EXPECT_NE(run.err.find("does not run in OUTPATIENT_PAIN; it runs in "
                           "INPATIENT_WARD, ICU"),
              std::string::npos)
        << command << " -> " << run.err;
  }
}

TEST_F(KipctlDosingTest, PkJsonHasModelAndPoints) {
  CliRun run = Kipctl(
      "dosing pk --model kamp --weight-kg 70 --infusion 0-240:24.5 --infusion "
      "240-300:10 "
      "--at 30,240 --at 300 --json");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json pk = json::parse(run.out);
  EXPECT_EQ(pk["model"], "kamp");
  ASSERT_EQ(pk["points"].size(), 3u);
  ExpectHas(pk["points"][0], {"minute", "plasma_ng_per_ml"});
}

TEST_F(KipctlDosingTest, ProtocolsListsTheLibrary) {
  CliRun run = Kipctl("dosing protocols --json");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(json::parse(run.out)["protocols"].size(), 8u);
  run = Kipctl("dosing protocols");
  EXPECT_NE(run.out.find("bosma-2018"), std::string::npos);
}

TEST_F(KipctlDosingTest, ProtocolShowsOneProtocolWithItsSources) {
  CliRun run = Kipctl("dosing protocol --protocol bosma-2018 --json");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json shown = json::parse(run.out);
  EXPECT_EQ(shown["protocol"]["id"], "bosma-2018");
  ExpectHas(shown, {"library", "protocol"});
  ExpectHas(shown["protocol"], {"rate", "adjuncts", "citations"});
  run = Kipctl("dosing protocol --protocol bosma-2018");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("adjunct:        ondansetron"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("source:"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("clinical sign-off"), std::string::npos);
  run = Kipctl("dosing protocol --protocol no-such-protocol");
  EXPECT_EQ(run.exit_status, 2);  // INVALID_ARGUMENT naming protocol_id
  EXPECT_NE(run.err.find("no-such-protocol"), std::string::npos) << run.err;
  run = Kipctl("dosing protocol");
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("--protocol"), std::string::npos) << run.err;
  run = Kipctl("dosing protocol --help");
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_NE(run.out.find("kipctl dosing protocol --protocol ID"),
            std::string::npos)
      << run.out;
}

TEST_F(KipctlDosingTest, InvalidInputIsOneLineNamingTheFieldAndExitsTwo) {
  for (const auto& [args, field] :
       std::vector<std::pair<std::string, std::string>>{
           {"dosing plan --protocol bosma-2018 --weight-kg abc "
            "--concentration-mg-per-ml 1",
            "--weight-kg"},
           {"dosing plan --protocol bosma-2018 --concentration-mg-per-ml 1",
            "--weight-kg"},
           {"dosing plan --protocol nope --weight-kg 70 "
            "--concentration-mg-per-ml 1",
            "protocol_id"},
           {"dosing plan --protocol bosma-2018 --weight-kg 70 "
            "--concentration-mg-per-ml 7",
            "concentration_mg_per_ml"},
           {"dosing plan --protocol bosma-2018 --weight-kg 70 "
            "--concentration-mg-per-ml 1 "
            "--care-area MOON",
            "--care-area"},
           {"dosing validate --protocol bosma-2018 --weight-kg 70 "
            "--concentration-mg-per-ml 1 "
            "--rate-mg-per-h -5 --duration-min 60",
            "program.rate_mg_per_h"},
           {"dosing pk --model domino --weight-kg 70 --infusion 0-60 --at 30",
            "--infusion"},
           {"dosing pk --model propofol --weight-kg 70 --infusion 0-60:5 --at "
            "30",
            "--model"},
           {"dosing plan --bogus 1", "--bogus"}}) {
    CliRun run = Kipctl(args);
    EXPECT_EQ(run.exit_status, 2) << args;
    EXPECT_NE(run.err.find(field), std::string::npos)
        << args << " -> " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
}

}  // namespace
}  // namespace kip
