#include "services/dosing/core/protocol_library.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "services/dosing/core/test_library.h"

namespace kip::dosing {
namespace {

using ::testing::HasSubstr;
using testing::ShippedLibrary;

TEST(ProtocolLibraryTest, TheShippedLibraryHoldsEverySeedRegimen) {
  const ProtocolLibrary& library = ShippedLibrary();
  for (const char* id :
       {"bosma-2018", "crps-0.35mgkg-4h", "crps-22mgh-4h", "fixed-80mg-5h",
        "guideline-initial-80mg", "loading-0.5mgkg-30min",
        "continuous-20-30mgh-100h", "daily-4h-10d"}) {
    const v1::Protocol* protocol = library.Find(id);
    ASSERT_NE(protocol, nullptr) << id;
    EXPECT_TRUE(protocol->requires_clinical_signoff()) << id;
    EXPECT_FALSE(protocol->citations().empty()) << id;
  }
  EXPECT_EQ(library.protocols().size(), 8u);
  EXPECT_EQ(library.version().version(), "2026.11.0");
  EXPECT_EQ(library.version().content_sha256().size(), 64u);
  EXPECT_EQ(library.Limits(kip::common::v1::ICU)
                ->continuous_rate_max_mg_per_kg_per_h(),
            7.0);
  EXPECT_EQ(
      library.Limits(kip::common::v1::OUTPATIENT_PAIN)->bolus_max_mg_per_kg(),
      0.35);
}

TEST(ProtocolLibraryTest, TheHashFollowsTheContent) {
  const ProtocolLibrary& shipped = ShippedLibrary();
  std::vector<v1::Protocol> protocols = shipped.protocols();
  auto same = ProtocolLibrary::FromMessages(shipped.drug_library(), protocols);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->version().content_sha256(),
            shipped.version().content_sha256());
  protocols[0].mutable_rate()->set_max(protocols[0].rate().max() * 0.9);
  auto changed =
      ProtocolLibrary::FromMessages(shipped.drug_library(), protocols);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_NE(changed->version().content_sha256(),
            shipped.version().content_sha256());
}

class BadLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/library-" + std::to_string(counter_++);
    std::filesystem::create_directories(dir_ + "/protocols");
    std::filesystem::copy_file("services/dosing/library/drug_library.textproto",
                               dir_ + "/drug_library.textproto");
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/protocols/" + name) << text;
  }
  std::string LoadError() {
    auto library = ProtocolLibrary::LoadFromDirectory(dir_);
    EXPECT_FALSE(library.ok());
    return std::string(library.status().message());
  }
  std::string dir_;
  static inline int counter_ = 0;
};

constexpr char kValid[] = R"pb(
  id: "p1"
  title: "t"
  citations { text: "c" }
  dosing_mode: FIXED_RATE
  rate { unit: MG_PER_H start: 10 min: 10 max: 20 }
  session_duration { seconds: 3600 }
  sessions_per_course: 1
  allowed_concentrations_mg_per_ml: 1
  care_areas: OUTPATIENT_PAIN
)pb";

TEST_F(BadLibraryTest, AValidFileLoads) {
  Write("p1.textproto", kValid);
  EXPECT_TRUE(ProtocolLibrary::LoadFromDirectory(dir_).ok());
}

TEST_F(BadLibraryTest, ErrorsNameTheFileAndTheField) {
  std::string text = kValid;
  text.replace(text.find("max: 20"), 7, "max: 5");
  Write("p1.textproto", text);
  EXPECT_THAT(LoadError(),
              HasSubstr("p1.textproto: rate: needs 0 <= min <= start <= max"));
}

TEST_F(BadLibraryTest, SyntaxErrorsNameTheLine) {
  Write("p1.textproto", std::string(kValid) + "\nunknown_field: 3\n");
  EXPECT_THAT(LoadError(),
              ::testing::ContainsRegex(
                  "p1.textproto: line [0-9]+:[0-9]+: .*unknown_field"));
}

TEST_F(BadLibraryTest, IdsMustMatchFileNamesAndConcentrationsTheLibrary) {
  Write("other.textproto", kValid);
  EXPECT_THAT(
      LoadError(),
      HasSubstr("other.textproto: id: 'p1' differs from the file name"));
  std::filesystem::remove(dir_ + "/protocols/other.textproto");
  std::string text = kValid;
  text.replace(text.find("allowed_concentrations_mg_per_ml: 1"), 35,
               "allowed_concentrations_mg_per_ml: 3");
  Write("p1.textproto", text);
  EXPECT_THAT(LoadError(),
              HasSubstr("allowed_concentrations_mg_per_ml[0]: 3 mg/mL is not"));
}

TEST_F(BadLibraryTest, AWeightBasedMaximumAboveTheDrugLibraryIsRefused) {
  std::string text = kValid;
  text.replace(text.find("dosing_mode: FIXED_RATE"), 23,
               "dosing_mode: WEIGHT_BASED_RATE");
  text.replace(text.find("unit: MG_PER_H start: 10 min: 10 max: 20"), 40,
               "unit: MG_PER_KG_PER_H start: 1 min: 1 max: 2.5");
  Write("p1.textproto", text);
  EXPECT_THAT(
      LoadError(),
      HasSubstr("rate.max: 2.5 mg/kg/h exceeds the drug-library maximum 2"));
}

}  // namespace
}  // namespace kip::dosing
