#include "services/dosing/core/course_planner.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/status_macros.h"
#include "services/dosing/core/dose_math.h"
#include "services/dosing/core/pk_model.h"
#include "services/dosing/core/program_check.h"

namespace kip::dosing {
namespace {

using google::protobuf::util::TimeUtil;

// The PK curve covers the first session and two hours after, at most ~400
// points.
std::vector<double> CurveTimes(double session_min) {
  const double end = session_min + 120;
  const double step = std::max(15.0, std::ceil(end / 400 / 15) * 15);
  std::vector<double> times;
  for (double t = 0; t <= end + 1e-9; t += step) times.push_back(t);
  return times;
}

}  // namespace

absl::StatusOr<v1::PlanCourseResponse> PlanCourse(
    const ProtocolLibrary& library, const v1::PlanCourseRequest& request,
    absl::Time now) {
  KIP_ASSIGN_OR_RETURN(protocol, FindProtocol(library, request.protocol_id()));
  KIP_ASSIGN_OR_RETURN(limits,
                       CheckCareArea(library, *protocol, request.care_area()));
  KIP_RETURN_IF_ERROR(
      CheckConcentration(*protocol, request.concentration_mg_per_ml()));
  KIP_ASSIGN_OR_RETURN(resolution,
                       PumpResolution(request.pump_rate_resolution_ml_per_h()));
  KIP_ASSIGN_OR_RETURN(
      weight, ComputeDosingWeight(request.patient(), protocol->weight_basis(),
                                  "patient"));
  const auto& drug = library.drug_library();
  const double actual_kg = request.patient().weight_kg();
  if (actual_kg < drug.min_dosing_weight_kg() ||
      actual_kg > drug.max_dosing_weight_kg()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "patient.weight_kg: ", actual_kg,
        " kg is outside the drug library's plausible ",
        drug.min_dosing_weight_kg(), "..", drug.max_dosing_weight_kg(),
        " kg (IHE ", kIheWeightMismatch, ")"));
  }
  const v1::PkModel model = request.pk_model() == v1::PK_MODEL_UNSPECIFIED
                                ? v1::DOMINO
                                : request.pk_model();
  KIP_ASSIGN_OR_RETURN(pk, ModelParameters(model, actual_kg));

  const double w = weight.kg;
  const double conc = request.concentration_mg_per_ml();
  const double session_h = Hours(protocol->session_duration());
  const v1::RateRange& range = protocol->rate();
  const bool per_kg = range.unit() == v1::MG_PER_KG_PER_H;
  auto mg_per_h = [&](double value) { return per_kg ? value * w : value; };
  double start_mg_h = mg_per_h(range.start());
  if (protocol->dosing_mode() == v1::LOADING_DOSE) {
    start_mg_h = protocol->loading_dose_mg_per_kg() * w / session_h;
  } else if (protocol->dosing_mode() == v1::TOTAL_OVER_DURATION) {
    start_mg_h = protocol->total_dose_mg() / session_h;
  }
  const double min_mg_h = mg_per_h(range.min());
  double max_mg_h = mg_per_h(range.max());

  v1::PlanCourseResponse response;
  *response.mutable_library() = library.version();
  response.set_protocol_id(protocol->id());
  response.set_dosing_weight_kg(w);
  response.set_dosing_weight_formula(weight.formula);
  response.set_pk_model(model);
  response.set_requires_clinical_signoff(true);
  response.add_warnings(
      "Research software: every number needs clinical sign-off before clinical "
      "use.");
  // The library's continuous-rate maximum applies to the patient's weight.
  const double library_max_mg_h =
      limits->continuous_rate_max_mg_per_kg_per_h() * actual_kg;
  if (start_mg_h > library_max_mg_h * (1 + 1e-9)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "protocol %s starts at %.3g mg/h = %.3g mg/kg/h, above the drug "
        "library's %.3g "
        "mg/kg/h in %s (IHE %d)",
        protocol->id(), start_mg_h, start_mg_h / actual_kg,
        limits->continuous_rate_max_mg_per_kg_per_h(),
        kip::common::v1::CareArea_Name(request.care_area()), kIheHardLimit));
  }
  if (max_mg_h > library_max_mg_h) {
    response.add_warnings(
        absl::StrFormat("protocol maximum %.4g mg/h capped at the drug "
                        "library's %.4g mg/kg/h x %.1f kg = "
                        "%.4g mg/h",
                        max_mg_h, limits->continuous_rate_max_mg_per_kg_per_h(),
                        actual_kg, library_max_mg_h));
    max_mg_h = library_max_mg_h;
  }
  if (weight.basis != kip::common::v1::ACTUAL)
    response.add_warnings(weight.formula);
  if (range.titration_step() == 0 && range.max() > range.min()) {
    response.add_warnings(
        "The source gives no titration step or interval: the plan holds the "
        "start rate; "
        "titrate within the protocol range only as the signed-off site "
        "protocol says.");
  }

  const absl::Time start =
      request.has_start_time()
          ? absl::FromUnixMicros(
                TimeUtil::TimestampToMicroseconds(request.start_time()))
          : now;
  const double spacing_h = Hours(protocol->session_spacing());
  const PumpRate pump = ToPumpRate(start_mg_h, conc, resolution);
  double course_max = 0;
  for (int i = 0; i < protocol->sessions_per_course(); ++i) {
    v1::PlannedSession* session = response.add_sessions();
    session->set_day(1 +
                     static_cast<int>(std::floor(i * spacing_h / 24 + 1e-9)));
    *session->mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(
        absl::ToUnixMicros(start + absl::Hours(i * spacing_h)));
    session->set_duration_min(session_h * 60);
    v1::RateStep* step = session->add_steps();
    step->set_offset_min(0);
    step->set_rate_mg_per_h(start_mg_h);
    step->set_rate_mg_per_kg_per_h(start_mg_h / w);
    step->set_rate_ml_per_h(pump.programmed_ml_per_h);
    step->set_rate_ml_per_h_exact(pump.exact_ml_per_h);
    session->set_min_rate_mg_per_h(min_mg_h);
    session->set_max_rate_mg_per_h(max_mg_h);
    const double planned = protocol->dosing_mode() == v1::TOTAL_OVER_DURATION
                               ? protocol->total_dose_mg()
                               : start_mg_h * session_h;
    session->set_planned_total_mg(planned);
    session->set_max_total_mg(max_mg_h * session_h);
    session->set_planned_volume_ml(planned / conc);
    course_max += max_mg_h * session_h;
  }
  response.set_course_max_total_mg(course_max);
  if (pump.programmed_ml_per_h < pump.exact_ml_per_h - 1e-9) {
    response.add_warnings(absl::StrFormat(
        "pump rate rounded down to the %.3g mL/h resolution: %.4f -> %.4g mL/h",
        resolution, pump.exact_ml_per_h, pump.programmed_ml_per_h));
  }

  // PK of the first session at the start rate.
  v1::InfusionPiece piece;
  piece.set_start_min(0);
  piece.set_end_min(session_h * 60);
  piece.set_rate_mg_per_h(start_mg_h);
  const std::vector<double> times = CurveTimes(session_h * 60);
  KIP_ASSIGN_OR_RETURN(plasma, PredictPlasmaNgPerMl(pk, {piece}, times));
  double peak = 0, peak_min = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    v1::ConcentrationPoint* point = response.add_pk_curve();
    point->set_minute(times[i]);
    point->set_plasma_ng_per_ml(plasma[i]);
    point->set_above_analgesic_range(plasma[i] > kAnalgesicHighNgPerMl);
    if (plasma[i] > peak) peak = plasma[i], peak_min = times[i];
  }
  if (peak > kAnalgesicHighNgPerMl) {
    response.add_warnings(
        absl::StrFormat("PK (%s model, typical patient): predicted plasma %.0f "
                        "ng/mL at minute %.0f is above "
                        "the analgesic range %.0f-%.0f ng/mL",
                        v1::PkModel_Name(model), peak, peak_min,
                        kAnalgesicLowNgPerMl, kAnalgesicHighNgPerMl));
  }
  return response;
}

}  // namespace kip::dosing
