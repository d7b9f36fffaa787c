#include "services/analytics/meta/distributions.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace kip::meta {
namespace {

// No exceptions across the engine: domain and range errors become NaN/Inf.
using NoThrow = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<
        boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>>;

}  // namespace

double TwoSidedNormalP(double z) {
  // erfc keeps full precision far in the tail (p ~ 1e-26 for the BCG data).
  return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

double NormalQuantile(double probability) {
  return boost::math::quantile(
      boost::math::normal_distribution<double, NoThrow>(), probability);
}

double ChiSquareUpperP(double x, double df) {
  if (df <= 0) return 1.0;
  if (x <= 0) return 1.0;
  return boost::math::cdf(boost::math::complement(
      boost::math::chi_squared_distribution<double, NoThrow>(df), x));
}

double ChiSquareQuantile(double probability, double df) {
  if (df <= 0) return std::numeric_limits<double>::quiet_NaN();
  return boost::math::quantile(
      boost::math::chi_squared_distribution<double, NoThrow>(df), probability);
}

double StudentTQuantile(double probability, double df) {
  if (df <= 0) return std::numeric_limits<double>::quiet_NaN();
  return boost::math::quantile(
      boost::math::students_t_distribution<double, NoThrow>(df), probability);
}

double TwoSidedStudentTP(double t, double df) {
  if (df <= 0) return std::numeric_limits<double>::quiet_NaN();
  return 2.0 * boost::math::cdf(boost::math::complement(
                   boost::math::students_t_distribution<double, NoThrow>(df),
                   std::fabs(t)));
}

double FUpperP(double x, double df1, double df2) {
  if (!(x > 0)) return 1;
  return boost::math::cdf(boost::math::complement(
      boost::math::fisher_f_distribution<double, NoThrow>(df1, df2), x));
}

}  // namespace kip::meta
