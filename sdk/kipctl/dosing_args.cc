#include "sdk/kipctl/dosing_args.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kip::kipctl {

namespace v1 = kip::dosing::v1;

const std::set<std::string>& PatientOptions() {
  static const auto* const kOptions = new std::set<std::string>{
      "weight-kg", "height-cm", "sex", "weight-basis", "care-area"};
  return *kOptions;
}

absl::StatusOr<kip::common::v1::CareArea> CareAreaFromArgs(const Args& args) {
  const std::string name =
      absl::AsciiStrToUpper(args.Get("care-area", "OUTPATIENT_PAIN"));
  kip::common::v1::CareArea area = kip::common::v1::CARE_AREA_UNSPECIFIED;
  if (!kip::common::v1::CareArea_Parse(name, &area) ||
      area == kip::common::v1::CARE_AREA_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("--care-area: '", args.Get("care-area"),
                     "' is not OUTPATIENT_PAIN, INPATIENT_WARD or ICU"));
  }
  return area;
}

absl::StatusOr<v1::PatientDosingInput> PatientFromArgs(const Args& args) {
  v1::PatientDosingInput patient;
  absl::StatusOr<double> weight = args.Number("weight-kg");
  if (!weight.ok()) return weight.status();
  patient.set_weight_kg(*weight);
  if (args.Has("height-cm")) {
    absl::StatusOr<double> height = args.Number("height-cm");
    if (!height.ok()) return height.status();
    patient.set_height_cm(*height);
  }
  if (args.Has("sex")) {
    const std::string sex = absl::AsciiStrToUpper(args.Get("sex"));
    if (sex != "F" && sex != "M") {
      return absl::InvalidArgumentError(
          absl::StrCat("--sex: '", args.Get("sex"), "' is not F or M"));
    }
    patient.set_sex(sex == "F" ? kip::common::v1::FEMALE
                               : kip::common::v1::MALE);
  }
  if (args.Has("weight-basis")) {
    kip::common::v1::WeightBasis basis =
        kip::common::v1::WEIGHT_BASIS_UNSPECIFIED;
    if (!kip::common::v1::WeightBasis_Parse(
            absl::AsciiStrToUpper(args.Get("weight-basis")), &basis) ||
        basis == kip::common::v1::WEIGHT_BASIS_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          "--weight-basis: is not ACTUAL, IDEAL or ADJUSTED");
    }
    patient.set_weight_basis(basis);
  }
  return patient;
}

nlohmann::json BoundWeightJson(const v1::BoundWeight& weight) {
  return {{"kg", weight.kg()},
          {"basis", kip::common::v1::WeightBasis_Name(weight.basis())},
          {"reason", weight.reason()}};
}

std::string BoundWeightText(const v1::BoundWeight& weight) {
  return absl::StrFormat("%.1f kg %s", weight.kg(),
                         kip::common::v1::WeightBasis_Name(weight.basis()));
}

}  // namespace kip::kipctl
