// Normal, chi-square, Student t and F tail probabilities and quantiles for the
// meta-analysis engine, from Boost.Math (Debian libboost-dev) with a policy
// that returns NaN instead of throwing.
#ifndef KIP_SERVICES_ANALYTICS_META_DISTRIBUTIONS_H_
#define KIP_SERVICES_ANALYTICS_META_DISTRIBUTIONS_H_

namespace kip::meta {

// Two-sided p-value of a standard normal statistic: 2 * P(Z > |z|).
double TwoSidedNormalP(double z);
// Quantile of the standard normal, e.g. 0.975 -> 1.959963984540054.
double NormalQuantile(double probability);
// P(X > x) for X ~ chi-square(df); 1 when df == 0.
double ChiSquareUpperP(double x, double df);
// Quantile of chi-square(df): P(X <= x) = probability.
double ChiSquareQuantile(double probability, double df);
// Quantile of Student's t with `df` degrees of freedom.
double StudentTQuantile(double probability, double df);
// Two-sided p-value of a t statistic.
double TwoSidedStudentTP(double t, double df);
// P(X > x) for X ~ F(df1, df2).
double FUpperP(double x, double df1, double df2);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_DISTRIBUTIONS_H_
