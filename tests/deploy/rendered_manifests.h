// The Kubernetes objects an overlay renders to (`kubectl kustomize`), and
// the questions the deployment checks ask of them.
#ifndef KIP_TESTS_DEPLOY_RENDERED_MANIFESTS_H_
#define KIP_TESTS_DEPLOY_RENDERED_MANIFESTS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace kip::deploy {

using Labels = std::map<std::string, std::string>;

// A pod the manifests will run: from a Deployment's template, or the pods
// a CloudNativePG Cluster creates (its inheritedMetadata labels plus
// cnpg.io/cluster).
struct PodOrigin {
  std::string kind, name;
  Labels labels;
};

class RenderedManifests {
 public:
  // Renders `overlay_dir` with `kubectl kustomize`.
  static absl::StatusOr<RenderedManifests> Render(
      const std::string& overlay_dir);

  const std::vector<YAML::Node>& objects() const { return objects_; }
  std::vector<YAML::Node> OfKind(const std::string& kind) const;
  std::optional<YAML::Node> Find(const std::string& kind,
                                 const std::string& name) const;
  std::vector<PodOrigin> Pods() const;

 private:
  std::vector<YAML::Node> objects_;
};

Labels LabelsOf(const YAML::Node& map);
// matchLabels semantics (matchExpressions are not used in KIP's manifests and
// make this fail, so that they get a check when they appear).
bool Selects(const YAML::Node& selector, const Labels& labels);
// "--flag=value" of a container's args, if present.
std::optional<std::string> Arg(const YAML::Node& container,
                               const std::string& flag);
// Seconds of a Go/absl duration like "2s", "500ms", "1m".
double Seconds(const std::string& duration);

}  // namespace kip::deploy

#endif  // KIP_TESTS_DEPLOY_RENDERED_MANIFESTS_H_
