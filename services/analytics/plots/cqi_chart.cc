#include "services/analytics/plots/cqi_chart.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/analytics/plots/svg.h"

namespace kip::plots {
namespace {

namespace av1 = kip::analytics::v1;

constexpr double kFontSize = 12;
constexpr double kBarHeight = 9;
constexpr double kRowHeight = 3 * kBarHeight + 14;
constexpr double kPlotWidth = 380;
constexpr double kTop = 70;

struct Series {
  const char* name;
  const char* colour;  // colour-blind safe (Paul Tol's "bright" scheme)
  bool (av1::DrugLibraryReportRow::*has)() const;
  double (av1::DrugLibraryReportRow::*per_100)() const;
};
constexpr Series kSeries[] = {
    {"alerts", "#4477AA",
     &av1::DrugLibraryReportRow::has_alerts_per_100_infusions,
     &av1::DrugLibraryReportRow::alerts_per_100_infusions},
    {"overrides", "#EE7733",
     &av1::DrugLibraryReportRow::has_overrides_per_100_infusions,
     &av1::DrugLibraryReportRow::overrides_per_100_infusions},
    {"hard-limit stops", "#CC3311",
     &av1::DrugLibraryReportRow::has_hard_limit_stops_per_100_infusions,
     &av1::DrugLibraryReportRow::hard_limit_stops_per_100_infusions},
};

std::string Label(const av1::DrugLibraryReportRow& row) {
  return absl::StrCat(row.month(), "  ", row.site_id(), "  ", row.care_area(),
                      "  ", row.protocol_id(), "  (", row.infusions(),
                      row.infusions() == 1 ? " infusion)" : " infusions)");
}

double AxisMax(const av1::ComputeDrugLibraryReportResponse& report) {
  double max = 10;  // an axis to 10 per 100 when every rate is lower
  for (const av1::DrugLibraryReportRow& row : report.rows()) {
    for (const Series& s : kSeries) {
      if ((row.*s.has)()) max = std::max(max, (row.*s.per_100)());
    }
  }
  return max;
}

std::string Legend(double left) {
  std::string svg;
  double x = left;
  for (const Series& s : kSeries) {
    absl::StrAppend(&svg,
                    absl::StrFormat("<rect x=\"%.1f\" y=\"40\" width=\"12\" "
                                    "height=\"%.0f\" fill=\"%s\"/>\n"
                                    "<text x=\"%.1f\" y=\"48\">%s per 100 "
                                    "infusions</text>\n",
                                    x, kBarHeight, s.colour, x + 16, s.name));
    x += 16 + TextWidth(absl::StrCat(s.name, " per 100 infusions"), kFontSize) +
         18;
  }
  return svg;
}

std::string RowSvg(const av1::DrugLibraryReportRow& row, double y,
                   double label_x, const Axis& x) {
  std::string svg = absl::StrFormat(
      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", label_x,
      y + 1.5 * kBarHeight + 4, Escape(Label(row)));
  if (row.infusions() == 0) {
    absl::StrAppend(
        &svg,
        absl::StrFormat("<text class=\"no-infusions\" x=\"%.1f\" "
                        "y=\"%.1f\">no infusions (%d alerts)</text>\n",
                        x.X(0) + 4, y + 1.5 * kBarHeight + 4, row.alerts()));
    return svg;
  }
  double bar_y = y;
  for (const Series& s : kSeries) {
    const double value = (row.*s.per_100)();
    absl::StrAppend(
        &svg,
        absl::StrFormat("<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                        "width=\"%.2f\" height=\"%.0f\" fill=\"%s\"/>\n"
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s"
                        "</text>\n",
                        s.name[0] == 'h' ? "hard-limit-stops" : s.name, x.X(0),
                        bar_y, x.X(value) - x.X(0), kBarHeight, s.colour,
                        x.X(value) + 3, bar_y + kBarHeight - 1, Num(value)));
    bar_y += kBarHeight;
  }
  return svg;
}

}  // namespace

std::string CqiChartSvg(const av1::ComputeDrugLibraryReportResponse& report,
                        const std::string& title) {
  double label_width = 0;
  for (const av1::DrugLibraryReportRow& row : report.rows()) {
    label_width = std::max(label_width, TextWidth(Label(row), kFontSize));
  }
  const double left = 10 + label_width + 10;
  const double right = left + kPlotWidth;
  const double bottom = kTop + kRowHeight * std::max(1, report.rows_size());
  const double width = std::max(right + 60, 640.0);
  const Axis x(false, 0, AxisMax(report), left, right);
  std::string svg = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
      "xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"%.0f\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s"
      "</text>\n",
      width, bottom + 50, kFontSize,
      Escape(title.empty() ? "Drug-library alerts" : title));
  absl::StrAppend(&svg, Legend(10));
  double y = kTop;
  for (const av1::DrugLibraryReportRow& row : report.rows()) {
    absl::StrAppend(&svg, RowSvg(row, y + 7, left - 8, x));
    y += kRowHeight;
  }
  if (report.rows_size() == 0) {
    absl::StrAppend(
        &svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\">no "
                              "infusions or alerts in %s..%s"
                              "</text>\n",
                              left, kTop + 20, Escape(report.first_month()),
                              Escape(report.last_month())));
  }
  absl::StrAppend(&svg, absl::StrFormat("<path d=\"M%.1f %.1f V%.1f H%.1f\" "
                                        "stroke=\"black\" fill=\"none\"/>\n",
                                        left, kTop, bottom, right));
  for (double t : x.Ticks()) {
    absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" "
                                          "text-anchor=\"middle\">%s</text>\n",
                                          x.X(t), bottom + 16, Num(t)));
  }
  absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" "
                                        "text-anchor=\"middle\">per 100 "
                                        "infusions</text>\n</svg>\n",
                                        (left + right) / 2, bottom + 36));
  return svg;
}

}  // namespace kip::plots
