#include "tests/deploy/rendered_manifests.h"

#include <array>
#include <cstdio>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace kip::deploy {

absl::StatusOr<RenderedManifests> RenderedManifests::Render(
    const std::string& overlay_dir) {
  const std::string command =
      absl::StrCat("kubectl kustomize '", overlay_dir, "' 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed");
  std::string text;
  std::array<char, 8192> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    text.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  if (status != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("kubectl kustomize ", overlay_dir, " failed: ", text));
  }
  RenderedManifests rendered;
  try {
    for (const YAML::Node& doc : YAML::LoadAll(text)) {
      if (doc.IsMap()) rendered.objects_.push_back(doc);
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("rendered YAML does not parse: ", e.what()));
  }
  return rendered;
}

std::vector<YAML::Node> RenderedManifests::OfKind(
    const std::string& kind) const {
  std::vector<YAML::Node> out;
  for (const YAML::Node& o : objects_) {
    if (o["kind"].as<std::string>("") == kind) out.push_back(o);
  }
  return out;
}

std::optional<YAML::Node> RenderedManifests::Find(
    const std::string& kind, const std::string& name) const {
  for (const YAML::Node& o : OfKind(kind)) {
    if (o["metadata"]["name"].as<std::string>("") == name) return o;
  }
  return std::nullopt;
}

std::vector<PodOrigin> RenderedManifests::Pods() const {
  std::vector<PodOrigin> pods;
  for (const YAML::Node& d : OfKind("Deployment")) {
    pods.push_back({"Deployment", d["metadata"]["name"].as<std::string>(),
                    LabelsOf(d["spec"]["template"]["metadata"]["labels"])});
  }
  for (const YAML::Node& c : OfKind("Cluster")) {
    const std::string name = c["metadata"]["name"].as<std::string>();
    Labels labels;
    const YAML::Node inherited = c["spec"]["inheritedMetadata"];
    if (inherited) labels = LabelsOf(inherited["labels"]);
    labels["cnpg.io/cluster"] = name;
    pods.push_back({"Cluster", name, labels});
  }
  return pods;
}

Labels LabelsOf(const YAML::Node& map) {
  Labels labels;
  if (!map || !map.IsMap()) return labels;
  for (const auto& kv : map) {
    labels[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return labels;
}

bool Selects(const YAML::Node& selector, const Labels& labels) {
  if (selector["matchExpressions"]) return false;
  for (const auto& [key, value] : LabelsOf(selector["matchLabels"])) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

std::optional<std::string> Arg(const YAML::Node& container,
                               const std::string& flag) {
  const std::string prefix = flag + "=";
  for (const YAML::Node& arg : container["args"]) {
    const std::string text = arg.as<std::string>();
    if (absl::StartsWith(text, prefix)) return text.substr(prefix.size());
  }
  return std::nullopt;
}

double Seconds(const std::string& duration) {
  double value = 0;
  absl::string_view text = duration;
  double unit = 1;
  if (absl::ConsumeSuffix(&text, "ms")) {
    unit = 0.001;
  } else if (absl::ConsumeSuffix(&text, "s")) {
    unit = 1;
  } else if (absl::ConsumeSuffix(&text, "m")) {
    unit = 60;
  }
  if (!absl::SimpleAtod(text, &value)) return -1;
  return value * unit;
}

}  // namespace kip::deploy
