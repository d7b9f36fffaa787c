// Renders deploy/k8s/overlays/{dev,prod} with `kubectl kustomize` and checks
// what a platform team would: ports match the servers' flags, probes reach
// the health service, pods are locked down, shutdown fits the grace period,
// every Secret and ConfigMap exists or is documented as external, and every
// NetworkPolicy selects the pods its name claims.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/deploy/rendered_manifests.h"

namespace kip::deploy {
namespace {

// What each server serves: its gRPC service (the readiness probe asks for it).
const std::map<std::string, std::string> kHealthService = {
    {"dosing", "kip.dosing.v1.DosingService"},
    {"sessions", "kip.sessions.v1.SessionLogService"},
    {"analytics", "kip.analytics.v1.AnalyticsService"},
    {"gateway", "kip.gateway.v1.GatewayService"}};

std::string Name(const YAML::Node& o) {
  return o["metadata"]["name"].as<std::string>("");
}

int Port(const std::string& address) {  // "0.0.0.0:50051" -> 50051
  return std::stoi(address.substr(address.rfind(':') + 1));
}

int NamedPort(const YAML::Node& container, const std::string& name) {
  for (const YAML::Node& p : container["ports"]) {
    if (p["name"].as<std::string>("") == name) {
      return p["containerPort"].as<int>();
    }
  }
  return -1;
}

class KustomizeTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    // kustomize refuses files outside its root; runfiles are symlinks out of
    // it, so render a real copy.
    root_ = new std::string(std::string(getenv("TEST_TMPDIR")) + "/k8s");
    std::filesystem::remove_all(*root_);
    std::filesystem::copy("deploy/k8s", *root_,
                          std::filesystem::copy_options::recursive);
    std::ifstream readme("deploy/README.md");
    readme_ = new std::string((std::istreambuf_iterator<char>(readme)), {});
  }
  void SetUp() override {
    auto rendered =
        RenderedManifests::Render(*root_ + "/overlays/" + GetParam());
    ASSERT_TRUE(rendered.ok()) << rendered.status();
    m_ = *std::move(rendered);
    ASSERT_FALSE(m_.OfKind("Deployment").empty());
  }

  // Each container of each Deployment (init containers too), with its pod.
  template <typename F>
  void ForEachContainer(F f) {
    for (const YAML::Node& d : m_.OfKind("Deployment")) {
      const YAML::Node pod = d["spec"]["template"]["spec"];
      for (const char* list : {"initContainers", "containers"}) {
        for (const YAML::Node& c : pod[list]) f(d, pod, c);
      }
    }
  }

  static std::string* root_;
  static std::string* readme_;
  RenderedManifests m_;
};
std::string* KustomizeTest::root_ = nullptr;
std::string* KustomizeTest::readme_ = nullptr;

TEST_P(KustomizeTest, PortsMatchTheServerFlagsAndServicesTargetThem) {
  for (const YAML::Node& d : m_.OfKind("Deployment")) {
    const YAML::Node c = d["spec"]["template"]["spec"]["containers"][0];
    const std::string server = c["name"].as<std::string>();
    ASSERT_TRUE(kHealthService.count(server)) << server;
    auto listen = Arg(c, "--listen");
    ASSERT_TRUE(listen.has_value()) << Name(d) << ": no --listen";
    EXPECT_TRUE(absl::StartsWith(*listen, "0.0.0.0:")) << *listen;
    EXPECT_EQ(NamedPort(c, "grpc"), Port(*listen)) << Name(d);
    auto health = Arg(c, "--health_listen");
    ASSERT_TRUE(health.has_value()) << Name(d) << ": no --health_listen";
    EXPECT_EQ(NamedPort(c, "health"), Port(*health)) << Name(d);
    auto service = m_.Find("Service", Name(d));
    ASSERT_TRUE(service.has_value()) << "no Service " << Name(d);
    EXPECT_EQ((*service)["spec"]["clusterIP"].as<std::string>(""), "None")
        << Name(d) << ": gRPC round-robin needs a headless Service";
    Labels pod_labels = LabelsOf(d["spec"]["template"]["metadata"]["labels"]);
    for (const auto& [k, v] : LabelsOf((*service)["spec"]["selector"])) {
      EXPECT_EQ(pod_labels[k], v) << "Service " << Name(d) << " selector " << k;
    }
    const YAML::Node port = (*service)["spec"]["ports"][0];
    EXPECT_EQ(port["port"].as<int>(), Port(*listen));
    EXPECT_EQ(port["targetPort"].as<std::string>(), "grpc");
  }
}

TEST_P(KustomizeTest, EveryProbeAsksTheHealthServiceOnTheHealthPort) {
  for (const YAML::Node& d : m_.OfKind("Deployment")) {
    const YAML::Node c = d["spec"]["template"]["spec"]["containers"][0];
    const std::string server = c["name"].as<std::string>();
    for (const char* probe :
         {"startupProbe", "readinessProbe", "livenessProbe"}) {
      const YAML::Node p = c[probe];
      ASSERT_TRUE(p && p["grpc"]) << Name(d) << " " << probe << " is not grpc";
      EXPECT_EQ(p["grpc"]["port"].as<int>(), NamedPort(c, "health"))
          << Name(d) << " " << probe;
      const std::string asked = p["grpc"]["service"].as<std::string>("");
      EXPECT_TRUE(asked.empty() || asked == kHealthService.at(server))
          << Name(d) << " " << probe << " asks for " << asked;
    }
    EXPECT_EQ(c["readinessProbe"]["grpc"]["service"].as<std::string>(""),
              kHealthService.at(server))
        << Name(d) << ": readiness should ask for the service itself";
  }
}

TEST_P(KustomizeTest, PodsAreLockedDownAndBounded) {
  ForEachContainer([&](const YAML::Node& d, const YAML::Node& pod,
                       const YAML::Node& c) {
    const std::string where = Name(d) + "/" + c["name"].as<std::string>();
    EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>(false))
        << where;
    EXPECT_FALSE(pod["automountServiceAccountToken"].as<bool>(true)) << where;
    const YAML::Node sc = c["securityContext"];
    EXPECT_TRUE(sc["runAsNonRoot"].as<bool>(false)) << where;
    EXPECT_TRUE(sc["readOnlyRootFilesystem"].as<bool>(false)) << where;
    EXPECT_FALSE(sc["allowPrivilegeEscalation"].as<bool>(true)) << where;
    bool drops_all = false;
    for (const YAML::Node& cap : sc["capabilities"]["drop"]) {
      drops_all |= cap.as<std::string>() == "ALL";
    }
    EXPECT_TRUE(drops_all) << where;
    for (const char* bound : {"requests", "limits"}) {
      for (const char* resource : {"cpu", "memory"}) {
        EXPECT_TRUE(c["resources"][bound][resource])
            << where << " " << bound << "." << resource;
      }
    }
  });
}

TEST_P(KustomizeTest, ShutdownFitsTheGracePeriod) {
  for (const YAML::Node& d : m_.OfKind("Deployment")) {
    const YAML::Node pod = d["spec"]["template"]["spec"];
    const YAML::Node c = pod["containers"][0];
    const YAML::Node pre_stop = c["lifecycle"]["preStop"]["exec"]["command"];
    ASSERT_TRUE(pre_stop && pre_stop.size() == 2) << Name(d) << ": no preStop";
    EXPECT_EQ(pre_stop[0].as<std::string>(), "/bin/sleep");
    const double sleep = std::stod(pre_stop[1].as<std::string>());
    auto drain = Arg(c, "--drain_delay");
    auto grace = Arg(c, "--shutdown_grace");
    ASSERT_TRUE(drain && grace) << Name(d) << ": drain flags must be explicit";
    const double needed = sleep + Seconds(*drain) + Seconds(*grace);
    EXPECT_GT(pod["terminationGracePeriodSeconds"].as<double>(0), needed)
        << Name(d) << ": preStop + drain + grace = " << needed << " s";
  }
}

TEST_P(KustomizeTest, EverySecretAndConfigMapExistsOrIsDocumentedAsExternal) {
  std::set<std::pair<std::string, std::string>> referenced;
  ForEachContainer([&](const YAML::Node&, const YAML::Node& pod,
                       const YAML::Node& c) {
    for (const YAML::Node& v : pod["volumes"]) {
      if (v["secret"]) {
        referenced.insert(
            {"Secret", v["secret"]["secretName"].as<std::string>()});
      }
      if (v["configMap"]) {
        referenced.insert(
            {"ConfigMap", v["configMap"]["name"].as<std::string>()});
      }
    }
    for (const YAML::Node& e : c["env"]) {
      if (e["valueFrom"]["secretKeyRef"]) {
        referenced.insert(
            {"Secret",
             e["valueFrom"]["secretKeyRef"]["name"].as<std::string>()});
      }
      if (e["valueFrom"]["configMapKeyRef"]) {
        referenced.insert(
            {"ConfigMap",
             e["valueFrom"]["configMapKeyRef"]["name"].as<std::string>()});
      }
    }
    for (const YAML::Node& e : c["envFrom"]) {
      if (e["configMapRef"]) {
        referenced.insert(
            {"ConfigMap", e["configMapRef"]["name"].as<std::string>()});
      }
      if (e["secretRef"]) {
        referenced.insert({"Secret", e["secretRef"]["name"].as<std::string>()});
      }
    }
  });
  for (const YAML::Node& cluster : m_.OfKind("Cluster")) {
    const YAML::Node s3 =
        cluster["spec"]["backup"]["barmanObjectStore"]["s3Credentials"];
    for (const char* key : {"accessKeyId", "secretAccessKey"}) {
      if (s3[key])
        referenced.insert({"Secret", s3[key]["name"].as<std::string>()});
    }
  }
  ASSERT_FALSE(referenced.empty());
  for (const auto& [kind, name] : referenced) {
    const bool rendered = m_.Find(kind, name).has_value();
    const bool documented =
        absl::StrContains(*readme_, absl::StrCat("| `", name, "` |"));
    EXPECT_TRUE(rendered || documented)
        << kind << " " << name
        << " is neither rendered nor listed as external in deploy/README.md";
  }
}

TEST_P(KustomizeTest, NetworkPoliciesSelectThePodsTheyClaim) {
  const std::vector<PodOrigin> pods = m_.Pods();
  for (const YAML::Node& np : m_.OfKind("NetworkPolicy")) {
    const std::string name = Name(np);
    std::set<std::string> selected;
    for (const PodOrigin& pod : pods) {
      if (Selects(np["spec"]["podSelector"], pod.labels))
        selected.insert(pod.name);
    }
    std::set<std::string> claimed;
    if (name == "default-deny-ingress") {
      for (const PodOrigin& pod : pods) claimed.insert(pod.name);
    } else {
      // kip-X-ingress claims the pods of kip-X (a Deployment) or of the
      // database cluster kip-db.
      ASSERT_TRUE(absl::EndsWith(name, "-ingress")) << name;
      claimed.insert(
          name.substr(0, name.size() - std::string("-ingress").size()));
    }
    EXPECT_EQ(selected, claimed) << "NetworkPolicy " << name;
    for (const YAML::Node& rule : np["spec"]["ingress"]) {
      for (const YAML::Node& from : rule["from"]) {
        if (!from["podSelector"]) continue;
        bool any = false;
        for (const PodOrigin& pod : pods)
          any |= Selects(from["podSelector"], pod.labels);
        EXPECT_TRUE(any) << "NetworkPolicy " << name
                         << " admits traffic from pods that do not exist";
      }
    }
  }
}

TEST_P(KustomizeTest, EveryObjectIsInTheKipNamespace) {
  for (const YAML::Node& o : m_.objects()) {
    const std::string kind = o["kind"].as<std::string>();
    if (kind == "Namespace") continue;
    EXPECT_EQ(o["metadata"]["namespace"].as<std::string>(""), "kip")
        << kind << " " << Name(o);
  }
}

TEST_P(KustomizeTest, TheOverlayRunsWhatItPromises) {
  auto deployment = [&](const std::string& name) {
    auto d = m_.Find("Deployment", name);
    EXPECT_TRUE(d.has_value()) << name;
    return d.value_or(YAML::Node());
  };
  const YAML::Node sessions = deployment("kip-sessions");
  const YAML::Node sessions_server =
      sessions["spec"]["template"]["spec"]["containers"][0];
  if (GetParam() == "dev") {
    // One SQLite writer on a claim that exists, stopped before the next.
    for (const char* name : {"kip-dosing", "kip-sessions", "kip-analytics"}) {
      EXPECT_EQ(deployment(name)["spec"]["replicas"].as<int>(), 1) << name;
    }
    EXPECT_EQ(sessions["spec"]["strategy"]["type"].as<std::string>(""),
              "Recreate");
    EXPECT_FALSE(Arg(sessions_server, "--store").has_value());  // SQLite
    std::string claim;
    for (const YAML::Node& v :
         sessions["spec"]["template"]["spec"]["volumes"]) {
      if (v["name"].as<std::string>() == "data") {
        claim = v["persistentVolumeClaim"]["claimName"].as<std::string>("");
      }
    }
    EXPECT_TRUE(m_.Find("PersistentVolumeClaim", claim).has_value())
        << "sessions' data volume is not a rendered claim: '" << claim << "'";
    return;
  }
  // prod: scaled, autoscaled, disruption-budgeted, PostgreSQL, TLS.
  for (const char* name : {"kip-dosing", "kip-analytics"}) {
    EXPECT_GE(deployment(name)["spec"]["replicas"].as<int>(), 2) << name;
    auto hpa = m_.Find("HorizontalPodAutoscaler", name);
    ASSERT_TRUE(hpa.has_value()) << name;
    EXPECT_EQ((*hpa)["spec"]["scaleTargetRef"]["name"].as<std::string>(), name);
    EXPECT_GE((*hpa)["spec"]["minReplicas"].as<int>(), 2) << name;
  }
  for (const char* name : {"kip-dosing", "kip-sessions", "kip-analytics"}) {
    auto pdb = m_.Find("PodDisruptionBudget", name);
    ASSERT_TRUE(pdb.has_value()) << name;
    EXPECT_TRUE(Selects(
        (*pdb)["spec"]["selector"],
        LabelsOf(deployment(name)["spec"]["template"]["metadata"]["labels"])))
        << name;
    const YAML::Node server =
        deployment(name)["spec"]["template"]["spec"]["containers"][0];
    EXPECT_TRUE(Arg(server, "--tls_cert") && Arg(server, "--tls_key"))
        << name << " serves without TLS";
    if (std::string(name) != "kip-sessions") {
      EXPECT_TRUE(Arg(server, "--sessions_ca_cert").has_value())
          << name << " calls sessions without TLS";
    }
  }
  auto store = Arg(sessions_server, "--store");
  ASSERT_TRUE(store.has_value());
  EXPECT_TRUE(absl::StartsWith(*store, "postgres:")) << *store;
  EXPECT_TRUE(absl::StrContains(*store, "sslmode=verify-full")) << *store;
  EXPECT_FALSE(absl::StrContains(*store, "password")) << "password in args";
  EXPECT_TRUE(Arg(sessions_server, "--checkpoint_key").has_value())
      << "replicas must share one checkpoint key";
  EXPECT_TRUE(Arg(sessions_server, "--trial_key").has_value())
      << "replicas must share one trial key";
  EXPECT_TRUE(Arg(sessions_server, "--dosing_ca_cert").has_value())
      << "sessions calls dosing without TLS";
  const YAML::Node migrate =
      sessions["spec"]["template"]["spec"]["initContainers"][0];
  ASSERT_TRUE(migrate) << "no schema migration step";
  EXPECT_EQ(migrate["args"][0].as<std::string>(), "--migrate_only");
  EXPECT_EQ(Arg(migrate, "--store"), store);
  EXPECT_EQ(migrate["image"].as<std::string>(),
            sessions_server["image"].as<std::string>());
  EXPECT_EQ(m_.OfKind("Cluster").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Overlays, KustomizeTest,
                         ::testing::Values("dev", "prod"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip::deploy
