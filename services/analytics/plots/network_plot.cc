#include "services/analytics/plots/network_plot.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/analytics/meta/prepared_study.h"
#include "services/analytics/plots/svg.h"

namespace kip::plots {
namespace {

namespace av1 = kip::analytics::v1;

std::string Header(double width, double height, const std::string& title) {
  return absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
      "xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s"
      "</text>\n",
      width, height, Escape(title));
}

}  // namespace

std::string LeagueTableSvg(const av1::RunNetworkMetaAnalysisResponse& r) {
  std::vector<std::string> order;
  for (const auto& rank : r.ranking()) order.push_back(rank.treatment());
  std::map<std::pair<std::string, std::string>, const av1::NetworkEffect*>
      by_pair;
  for (const auto& e : r.effects())
    by_pair[{e.treatment_a(), e.treatment_b()}] = &e;
  const bool ratio = kip::meta::IsRatio(r.measure());
  constexpr double kCell = 118, kRow = 34, kTop = 44, kLeft = 10;
  const double n = static_cast<double>(order.size());
  std::string svg = Header(
      kLeft * 2 + kCell * n, kTop + kRow * n + 30,
      absl::StrCat("League table (", av1::EffectMeasure_Name(r.measure()),
                   ", row versus column)"));
  for (size_t i = 0; i < order.size(); ++i) {
    for (size_t j = 0; j < order.size(); ++j) {
      const double x = kLeft + kCell * j, y = kTop + kRow * i;
      if (i == j) {
        absl::StrAppend(
            &svg, absl::StrFormat("<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" "
                                  "height=\"%.0f\" fill=\"#deebf7\"/>\n<text "
                                  "class=\"treatment\" x=\"%.0f\" y=\"%.0f\" "
                                  "font-weight=\"bold\" text-anchor=\"middle\">"
                                  "%s</text>\n",
                                  x, y, kCell - 2, kRow - 2, x + kCell / 2,
                                  y + kRow / 2 + 4, Escape(order[i])));
        continue;
      }
      double estimate, lower, upper;
      if (auto it = by_pair.find({order[i], order[j]}); it != by_pair.end()) {
        estimate = it->second->estimate();
        lower = it->second->ci_lower();
        upper = it->second->ci_upper();
      } else {
        const av1::NetworkEffect* e = by_pair.at({order[j], order[i]});
        // b versus a: the inverse of a versus b.
        estimate = ratio ? 1 / e->estimate() : -e->estimate();
        lower = ratio ? 1 / e->ci_upper() : -e->ci_upper();
        upper = ratio ? 1 / e->ci_lower() : -e->ci_lower();
      }
      absl::StrAppend(
          &svg, absl::StrFormat("<text class=\"effect\" x=\"%.0f\" y=\"%.0f\" "
                                "text-anchor=\"middle\">%s</text><text "
                                "x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
                                "fill=\"#555\">[%s, %s]</text>\n",
                                x + kCell / 2, y + 13, Num(estimate),
                                x + kCell / 2, y + 26, Num(lower), Num(upper)));
    }
  }
  return absl::StrCat(svg, "</svg>\n");
}

std::string NetworkGraphSvg(const av1::RunNetworkMetaAnalysisResponse& r) {
  constexpr double kSize = 560, kRadius = 200;
  const double cx = kSize / 2, cy = kSize / 2 + 10;
  std::map<std::string, std::pair<double, double>> at;
  const int n = r.treatments_size();
  for (int i = 0; i < n; ++i) {
    const double angle = 2 * M_PI * i / n - M_PI / 2;
    at[r.treatments(i)] = {cx + kRadius * std::cos(angle),
                           cy + kRadius * std::sin(angle)};
  }
  std::string svg = Header(kSize, kSize + 20, "Network of treatments");
  for (const auto& e : r.edges()) {
    const auto& [x1, y1] = at[e.treatment_a()];
    const auto& [x2, y2] = at[e.treatment_b()];
    absl::StrAppend(
        &svg, absl::StrFormat("<line class=\"comparison\" x1=\"%.1f\" "
                              "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"#3182bd\" stroke-width=\"%.1f\">"
                              "<title>%s vs %s: %d studies</title></line>\n",
                              x1, y1, x2, y2, 1.5 + 1.5 * e.studies(),
                              Escape(e.treatment_a()), Escape(e.treatment_b()),
                              e.studies()));
  }
  for (const auto& [name, point] : at) {
    const double dx = point.first - cx, dy = point.second - cy;
    const double norm = std::max(1.0, std::hypot(dx, dy));
    absl::StrAppend(
        &svg,
        absl::StrFormat("<circle class=\"treatment\" cx=\"%.1f\" cy=\"%.1f\" "
                        "r=\"9\" fill=\"#08519c\"/>\n<text x=\"%.1f\" "
                        "y=\"%.1f\" text-anchor=\"%s\">%s</text>\n",
                        point.first, point.second, point.first + 18 * dx / norm,
                        point.second + 18 * dy / norm + 4,
                        dx > 1    ? "start"
                        : dx < -1 ? "end"
                                  : "middle",
                        Escape(name)));
  }
  return absl::StrCat(svg, "</svg>\n");
}

}  // namespace kip::plots
