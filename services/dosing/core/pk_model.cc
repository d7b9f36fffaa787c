#include "services/dosing/core/pk_model.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace kip::dosing {
namespace {

// 4x4: three compartments plus the constant input term.
using Matrix = std::array<std::array<double, 4>, 4>;

Matrix Multiply(const Matrix& a, const Matrix& b) {
  Matrix c{};
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 4; ++j) c[i][j] += a[i][k] * b[k][j];
  return c;
}

// exp(m) by scaling and squaring with a Taylor series on the scaled matrix
// (norm <= 1/2, 30 terms: truncation far below double precision).
Matrix Expm(Matrix m) {
  double norm = 0;
  for (const auto& row : m) {
    double sum = 0;
    for (double v : row) sum += std::fabs(v);
    norm = std::max(norm, sum);
  }
  int squarings = 0;
  while (norm > 0.5) {
    norm /= 2;
    ++squarings;
  }
  const double scale = std::ldexp(1.0, -squarings);
  for (auto& row : m)
    for (double& v : row) v *= scale;
  Matrix result{}, term{};
  for (int i = 0; i < 4; ++i) result[i][i] = term[i][i] = 1;
  for (int n = 1; n <= 30; ++n) {
    term = Multiply(term, m);
    for (auto& row : term)
      for (double& v : row) v /= n;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) result[i][j] += term[i][j];
  }
  for (int s = 0; s < squarings; ++s) result = Multiply(result, result);
  return result;
}

// The propagator over `minutes` at `rate_mg_per_min`: amounts (mg) after
// = e * [amounts before, 1].
Matrix Propagator(const PkParameters& p, double rate_mg_per_min,
                  double minutes) {
  Matrix m{};
  m[0][0] = -(p.k10 + p.k12 + p.k13);
  m[0][1] = p.k21;
  m[0][2] = p.k31;
  m[1][0] = p.k12;
  m[1][1] = -p.k21;
  m[2][0] = p.k13;
  m[2][2] = -p.k31;
  m[0][3] = rate_mg_per_min;
  for (auto& row : m)
    for (double& v : row) v *= minutes;
  return Expm(m);
}

std::array<double, 3> Apply(const Matrix& e,
                            const std::array<double, 3>& amounts) {
  std::array<double, 3> next{};
  for (int i = 0; i < 3; ++i) {
    next[i] = e[i][0] * amounts[0] + e[i][1] * amounts[1] +
              e[i][2] * amounts[2] + e[i][3];
  }
  return next;
}

}  // namespace

absl::StatusOr<PkParameters> ModelParameters(v1::PkModel model,
                                             double weight_kg) {
  if (!std::isfinite(weight_kg) || weight_kg < 20 || weight_kg > 300) {
    return absl::InvalidArgumentError(
        absl::StrCat("weight_kg: ", weight_kg, " is outside 20..300 kg"));
  }
  PkParameters p;
  switch (model) {
    case v1::DOMINO:  // V1 = 0.063 L/kg; per-minute rate constants.
      p.v1_l = 0.063 * weight_kg;
      p.k10 = 0.4381, p.k12 = 0.5921, p.k13 = 0.5900, p.k21 = 0.2470,
      p.k31 = 0.0146;
      return p;
    case v1::CLEMENTS:
      p.compartments = 2;
      p.v1_l = 1.7522 * weight_kg;
      p.k10 = 0.0109, p.k12 = 0.0186, p.k21 = 0.0137;
      return p;
    case v1::HIJAZI:
      p.compartments = 2;
      p.v1_l = 1.08 * weight_kg;
      p.k10 = 0.0333, p.k12 = 0.0088, p.k21 = 0.0030;
      return p;
    case v1::KAMP: {  // V 25/56/157 L and CL/Q2/Q3 84/161/79 L/h, x W/70.
      const double f = weight_kg / 70.0;
      const double v1 = 25 * f, v2 = 56 * f, v3 = 157 * f;
      const double cl = 84 * f / 60, q2 = 161 * f / 60,
                   q3 = 79 * f / 60;  // L/min
      p.v1_l = v1;
      p.k10 = cl / v1, p.k12 = q2 / v1, p.k21 = q2 / v2, p.k13 = q3 / v1,
      p.k31 = q3 / v3;
      return p;
    }
    default:
      return absl::InvalidArgumentError(
          "model: is required (DOMINO, CLEMENTS, HIJAZI or KAMP)");
  }
}

kip::common::v1::Citation ModelSource(v1::PkModel model) {
  kip::common::v1::Citation c;
  switch (model) {
    case v1::DOMINO:
      c.set_text(
          "Domino EF et al. 1982, 3-compartment; parameters as coded in "
          "opentiva "
          "ketamine.py and stanpumpR drugs_ketamine.R");
      c.set_pmid("7198883");
      break;
    case v1::CLEMENTS:
      c.set_text(
          "Clements JA, Nimmo WS 1981, 2-compartment; parameters as coded in "
          "opentiva");
      c.set_pmid("7459184");
      break;
    case v1::HIJAZI:
      c.set_text(
          "Hijazi Y et al. 2003, 2-compartment; parameters as coded in "
          "opentiva");
      c.set_pmid("12538370");
      break;
    case v1::KAMP:
      c.set_text(
          "Kamp J et al. 2020, 3-compartment (simplified); parameters as coded "
          "in "
          "opentiva");
      c.set_pmid("32997732");
      break;
    default:
      break;
  }
  return c;
}

absl::StatusOr<std::vector<double>> PredictPlasmaNgPerMl(
    const PkParameters& p, const std::vector<v1::InfusionPiece>& pieces,
    const std::vector<double>& at_min) {
  constexpr double kMaxMinutes = 60.0 * 24 * 30;  // 30 days
  std::vector<double> breaks = {0};
  for (size_t i = 0; i < pieces.size(); ++i) {
    const v1::InfusionPiece& piece = pieces[i];
    const std::string at = absl::StrCat("infusions[", i, "]");
    if (!std::isfinite(piece.start_min()) || piece.start_min() < 0 ||
        piece.start_min() > kMaxMinutes) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".start_min: ", piece.start_min(), " is outside 0..",
                       kMaxMinutes, " min"));
    }
    if (!std::isfinite(piece.end_min()) ||
        piece.end_min() <= piece.start_min() || piece.end_min() > kMaxMinutes) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".end_min: ", piece.end_min(),
                       " must be after start_min and <= ", kMaxMinutes));
    }
    if (!std::isfinite(piece.rate_mg_per_h()) || piece.rate_mg_per_h() < 0 ||
        piece.rate_mg_per_h() > 2000) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".rate_mg_per_h: ", piece.rate_mg_per_h(),
                       " is outside 0..2000 mg/h"));
    }
    breaks.push_back(piece.start_min());
    breaks.push_back(piece.end_min());
  }
  for (size_t i = 0; i < at_min.size(); ++i) {
    if (!std::isfinite(at_min[i]) || at_min[i] < 0 || at_min[i] > kMaxMinutes) {
      return absl::InvalidArgumentError(
          absl::StrCat("at_min[", i, "]: ", at_min[i], " is outside 0..",
                       kMaxMinutes, " min"));
    }
    breaks.push_back(at_min[i]);
  }
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  std::vector<std::array<double, 3>> state_at(breaks.size());
  std::array<double, 3> amounts{0, 0, 0};
  state_at[0] = amounts;
  // Curves sample at even steps: consecutive intervals of the same length and
  // rate share one matrix exponential (the same inputs, so the same result).
  double last_rate = -1, last_minutes = -1;
  Matrix step{};
  for (size_t i = 0; i + 1 < breaks.size(); ++i) {
    const double mid = (breaks[i] + breaks[i + 1]) / 2;
    double rate_mg_per_h = 0;
    for (const auto& piece : pieces) {
      if (piece.start_min() <= mid && mid < piece.end_min())
        rate_mg_per_h += piece.rate_mg_per_h();
    }
    const double minutes = breaks[i + 1] - breaks[i];
    if (rate_mg_per_h != last_rate || minutes != last_minutes) {
      step = Propagator(p, rate_mg_per_h / 60, minutes);
      last_rate = rate_mg_per_h;
      last_minutes = minutes;
    }
    amounts = Apply(step, amounts);
    state_at[i + 1] = amounts;
  }
  std::vector<double> plasma;
  for (double t : at_min) {
    const size_t index =
        std::lower_bound(breaks.begin(), breaks.end(), t) - breaks.begin();
    // mg/L = ug/mL; x 1000 = ng/mL.
    plasma.push_back(std::max(0.0, state_at[index][0] / p.v1_l * 1000));
  }
  return plasma;
}

absl::StatusOr<v1::PredictConcentrationResponse> PredictConcentration(
    const v1::PredictConcentrationRequest& request) {
  KIP_ASSIGN_OR_RETURN(parameters,
                       ModelParameters(request.model(), request.weight_kg()));
  if (request.infusions().empty()) {
    return absl::InvalidArgumentError(
        "infusions: needs at least one constant-rate piece");
  }
  if (request.at_min().empty() || request.at_min_size() > 10000) {
    return absl::InvalidArgumentError("at_min: needs 1..10000 times");
  }
  std::vector<v1::InfusionPiece> pieces(request.infusions().begin(),
                                        request.infusions().end());
  std::vector<double> times(request.at_min().begin(), request.at_min().end());
  KIP_ASSIGN_OR_RETURN(plasma, PredictPlasmaNgPerMl(parameters, pieces, times));
  v1::PredictConcentrationResponse response;
  response.set_model(request.model());
  *response.mutable_model_source() = ModelSource(request.model());
  for (size_t i = 0; i < times.size(); ++i) {
    v1::ConcentrationPoint* point = response.add_points();
    point->set_minute(times[i]);
    point->set_plasma_ng_per_ml(plasma[i]);
    point->set_above_analgesic_range(plasma[i] > kAnalgesicHighNgPerMl);
  }
  response.set_analgesic_low_ng_per_ml(kAnalgesicLowNgPerMl);
  response.set_analgesic_high_ng_per_ml(kAnalgesicHighNgPerMl);
  response.set_note(
      "Typical patient without variability; the models disagree by about 2x. "
      "Analgesic "
      "range 0.10-0.16 ug/mL as used by stanpumpR. Needs clinical sign-off.");
  return response;
}

}  // namespace kip::dosing
