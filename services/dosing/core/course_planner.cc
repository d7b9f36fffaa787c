#include "services/dosing/core/course_planner.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "base/time_util.h"
#include "services/dosing/core/dose_limits.h"
#include "services/dosing/core/dose_math.h"
#include "services/dosing/core/dosing_context.h"
#include "services/dosing/core/pk_model.h"

namespace kip::dosing {
namespace {

// The PK curve covers the first session and two hours after, at most ~400
// points.
std::vector<double> CurveTimes(double session_min) {
  const double end = session_min + 120;
  const double step = std::max(15.0, std::ceil(end / 400 / 15) * 15);
  std::vector<double> times;
  for (double t = 0; t <= end + 1e-9; t += step) times.push_back(t);
  return times;
}

// The start rate must be programmable: refused (not capped) above the drug
// library's maximum.
absl::Status CheckStartWithinHardLimit(const DosingContext& context,
                                       const DoseLimits& limits) {
  const double start_mg_h = limits.ProtocolStartMgPerH();
  if (!Exceeds(start_mg_h, limits.HardRateMaxMgPerH())) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrFormat(
      "protocol %s starts at %.3g mg/h = %.3g mg/kg/h of %s, above the drug "
      "library's %.3g mg/kg/h in %s (IHE %d)",
      context.protocol->id(), start_mg_h, limits.HardMgPerKgPerH(start_mg_h),
      limits.hard_weight().reason(), limits.HardRateMaxMgPerKgPerH(),
      kip::common::v1::CareArea_Name(context.care_area), kIheHardLimit));
}

void AddHeaderAndWarnings(const ProtocolLibrary& library,
                          const DosingContext& context,
                          const DoseLimits& limits,
                          v1::PlanCourseResponse* response) {
  const v1::Protocol& protocol = *context.protocol;
  *response->mutable_library() = library.version();
  response->set_protocol_id(protocol.id());
  response->set_dosing_weight_kg(context.dosing_weight.kg);
  response->set_dosing_weight_formula(context.dosing_weight.formula);
  response->set_requires_clinical_signoff(true);
  *response->mutable_hard_limit_weight() = limits.hard_weight();
  response->set_hard_rate_max_mg_per_h(limits.HardRateMaxMgPerH());
  response->add_warnings(
      "Research software: every number needs clinical sign-off before clinical "
      "use.");
  if (Exceeds(limits.ProtocolRateMaxMgPerH(), limits.HardRateMaxMgPerH())) {
    response->add_warnings(absl::StrFormat(
        "protocol maximum %.4g mg/h capped at the drug library's %.4g mg/kg/h "
        "x %s = %.4g mg/h",
        limits.ProtocolRateMaxMgPerH(), limits.HardRateMaxMgPerKgPerH(),
        limits.hard_weight().reason(), limits.HardRateMaxMgPerH()));
  }
  if (context.dosing_weight.basis != kip::common::v1::ACTUAL)
    response->add_warnings(context.dosing_weight.formula);
  const v1::RateRange& range = protocol.rate();
  if (range.titration_step() == 0 && range.max() > range.min()) {
    response->add_warnings(
        "The source gives no titration step or interval: the plan holds the "
        "start rate; titrate within the protocol range only as the signed-off "
        "site protocol says.");
  }
}

void AddSessions(const DosingContext& context, const DoseLimits& limits,
                 absl::Time start, v1::PlanCourseResponse* response) {
  const v1::Protocol& protocol = *context.protocol;
  const double session_h = Hours(protocol.session_duration());
  const double spacing_h = Hours(protocol.session_spacing());
  const double start_mg_h = limits.ProtocolStartMgPerH();
  const double max_mg_h = limits.PlannableRateMaxMgPerH();
  const double conc = context.concentration_mg_per_ml;
  const PumpRate pump =
      ToPumpRate(start_mg_h, conc, context.pump_resolution_ml_per_h);
  double course_max = 0;
  for (int i = 0; i < protocol.sessions_per_course(); ++i) {
    v1::PlannedSession* session = response->add_sessions();
    session->set_day(1 +
                     static_cast<int>(std::floor(i * spacing_h / 24 + 1e-9)));
    *session->mutable_start_time() =
        ProtoFromTime(start + absl::Hours(i * spacing_h));
    session->set_duration_min(session_h * 60);
    v1::RateStep* step = session->add_steps();
    step->set_offset_min(0);
    step->set_rate_mg_per_h(start_mg_h);
    step->set_rate_mg_per_kg_per_h(limits.DosingMgPerKgPerH(start_mg_h));
    step->set_rate_ml_per_h(pump.programmed_ml_per_h);
    step->set_rate_ml_per_h_exact(pump.exact_ml_per_h);
    session->set_min_rate_mg_per_h(limits.ProtocolRateMinMgPerH());
    session->set_max_rate_mg_per_h(max_mg_h);
    const double planned = protocol.dosing_mode() == v1::TOTAL_OVER_DURATION
                               ? protocol.total_dose_mg()
                               : start_mg_h * session_h;
    session->set_planned_total_mg(planned);
    session->set_max_total_mg(max_mg_h * session_h);
    session->set_planned_volume_ml(planned / conc);
    course_max += max_mg_h * session_h;
  }
  response->set_course_max_total_mg(course_max);
  if (pump.programmed_ml_per_h < pump.exact_ml_per_h - 1e-9) {
    response->add_warnings(absl::StrFormat(
        "pump rate rounded down to the %.3g mL/h resolution: %.4f -> %.4g mL/h",
        context.pump_resolution_ml_per_h, pump.exact_ml_per_h,
        pump.programmed_ml_per_h));
  }
}

// PK of the first session at the start rate.
absl::Status AddPkCurve(const DosingContext& context, const DoseLimits& limits,
                        const PkParameters& pk, v1::PkModel model,
                        v1::PlanCourseResponse* response) {
  const double session_min = Hours(context.protocol->session_duration()) * 60;
  v1::InfusionPiece piece;
  piece.set_start_min(0);
  piece.set_end_min(session_min);
  piece.set_rate_mg_per_h(limits.ProtocolStartMgPerH());
  const std::vector<double> times = CurveTimes(session_min);
  KIP_ASSIGN_OR_RETURN(plasma, PredictPlasmaNgPerMl(pk, {piece}, times));
  double peak = 0, peak_min = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    v1::ConcentrationPoint* point = response->add_pk_curve();
    point->set_minute(times[i]);
    point->set_plasma_ng_per_ml(plasma[i]);
    point->set_above_analgesic_range(plasma[i] > kAnalgesicHighNgPerMl);
    if (plasma[i] > peak) peak = plasma[i], peak_min = times[i];
  }
  if (peak > kAnalgesicHighNgPerMl) {
    response->add_warnings(
        absl::StrFormat("PK (%s model, typical patient): predicted plasma %.0f "
                        "ng/mL at minute %.0f is above "
                        "the analgesic range %.0f-%.0f ng/mL",
                        v1::PkModel_Name(model), peak, peak_min,
                        kAnalgesicLowNgPerMl, kAnalgesicHighNgPerMl));
  }
  return absl::OkStatus();
}

DosingInputs InputsOf(const v1::PlanCourseRequest& request) {
  DosingInputs inputs = CommonInputs(request);
  inputs.pump_rate_resolution_ml_per_h =
      request.pump_rate_resolution_ml_per_h();
  return inputs;
}

}  // namespace

absl::StatusOr<v1::PlanCourseResponse> PlanCourse(
    const ProtocolLibrary& library, const v1::PlanCourseRequest& request,
    absl::Time now) {
  KIP_ASSIGN_OR_RETURN(context,
                       ResolveDosingContext(library, InputsOf(request)));
  const DoseLimits limits(context);
  KIP_RETURN_IF_ERROR(limits.CheckActualWeightPlausible());
  const v1::PkModel model = request.pk_model() == v1::PK_MODEL_UNSPECIFIED
                                ? v1::DOMINO
                                : request.pk_model();
  KIP_ASSIGN_OR_RETURN(pk, ModelParameters(model, context.actual_weight_kg));
  KIP_RETURN_IF_ERROR(CheckStartWithinHardLimit(context, limits));

  v1::PlanCourseResponse response;
  response.set_pk_model(model);
  AddHeaderAndWarnings(library, context, limits, &response);
  const absl::Time start =
      request.has_start_time() ? TimeFromProto(request.start_time()) : now;
  AddSessions(context, limits, start, &response);
  KIP_RETURN_IF_ERROR(AddPkCurve(context, limits, pk, model, &response));
  return response;
}

}  // namespace kip::dosing
