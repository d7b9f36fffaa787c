#include "services/sessions/log/merkle.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace kip::sessions {
namespace {

// The largest power of two strictly less than n (n >= 2): RFC 6962's split.
int64_t SplitPoint(int64_t n) {
  int64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

void AuditPath(absl::Span<const std::string> leaves, int64_t m,
               std::vector<std::string>& path) {
  const int64_t n = static_cast<int64_t>(leaves.size());
  if (n <= 1) return;
  const int64_t k = SplitPoint(n);
  if (m < k) {
    AuditPath(leaves.subspan(0, k), m, path);
    path.push_back(MerkleRoot(leaves.subspan(k)));
  } else {
    AuditPath(leaves.subspan(k), m - k, path);
    path.push_back(MerkleRoot(leaves.subspan(0, k)));
  }
}

// SUBPROOF(m, D[0:n], b) of RFC 6962 section 2.1.2.
void SubProof(absl::Span<const std::string> leaves, int64_t m,
              bool whole_subtree, std::vector<std::string>& proof) {
  const int64_t n = static_cast<int64_t>(leaves.size());
  if (m == n) {
    if (!whole_subtree) proof.push_back(MerkleRoot(leaves));
    return;
  }
  const int64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(leaves.subspan(0, k), m, whole_subtree, proof);
    proof.push_back(MerkleRoot(leaves.subspan(k)));
  } else {
    SubProof(leaves.subspan(k), m - k, false, proof);
    proof.push_back(MerkleRoot(leaves.subspan(0, k)));
  }
}

}  // namespace

std::string MerkleLeafHash(absl::string_view leaf_data) {
  return Sha256(absl::StrCat(absl::string_view("\x00", 1), leaf_data));
}

std::string MerkleNodeHash(absl::string_view left, absl::string_view right) {
  return Sha256(absl::StrCat("\x01", left, right));
}

std::string MerkleRoot(absl::Span<const std::string> leaf_hashes) {
  const int64_t n = static_cast<int64_t>(leaf_hashes.size());
  if (n == 0) return Sha256("");
  if (n == 1) return leaf_hashes[0];
  const int64_t k = SplitPoint(n);
  return MerkleNodeHash(MerkleRoot(leaf_hashes.subspan(0, k)),
                        MerkleRoot(leaf_hashes.subspan(k)));
}

absl::StatusOr<std::vector<std::string>> MerkleInclusionProof(
    absl::Span<const std::string> leaf_hashes, int64_t leaf_index) {
  const int64_t n = static_cast<int64_t>(leaf_hashes.size());
  if (leaf_index < 0 || leaf_index >= n) {
    return absl::InvalidArgumentError(absl::StrCat("leaf_index: ", leaf_index,
                                                   " is outside 0..", n - 1,
                                                   " (tree_size ", n, ")"));
  }
  std::vector<std::string> path;
  AuditPath(leaf_hashes, leaf_index, path);
  return path;
}

absl::StatusOr<std::vector<std::string>> MerkleConsistencyProof(
    absl::Span<const std::string> leaf_hashes, int64_t first_size) {
  const int64_t n = static_cast<int64_t>(leaf_hashes.size());
  if (first_size < 0 || first_size > n) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_tree_size: ", first_size, " is outside 0..", n));
  }
  std::vector<std::string> proof;
  if (first_size == 0 || first_size == n) return proof;
  SubProof(leaf_hashes, first_size, true, proof);
  return proof;
}

bool VerifyMerkleInclusion(absl::string_view leaf_hash, int64_t leaf_index,
                           int64_t tree_size,
                           absl::Span<const std::string> proof,
                           absl::string_view root) {
  if (leaf_index < 0 || leaf_index >= tree_size) return false;
  if (leaf_hash.size() != 32 || root.size() != 32) return false;
  int64_t fn = leaf_index;
  int64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : proof) {
    if (p.size() != 32 || sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = MerkleNodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyMerkleConsistency(int64_t first_size, int64_t second_size,
                             absl::string_view first_root,
                             absl::string_view second_root,
                             absl::Span<const std::string> proof) {
  if (first_size < 0 || second_size < first_size) return false;
  if (first_size == second_size) {
    return proof.empty() && first_root == second_root;
  }
  if (first_size == 0) return proof.empty();
  if (proof.empty() || first_root.size() != 32 || second_root.size() != 32) {
    return false;
  }
  for (const std::string& p : proof) {
    if (p.size() != 32) return false;
  }
  std::vector<std::string> path(proof.begin(), proof.end());
  // If the first tree is a complete subtree, its root starts the path.
  if ((first_size & (first_size - 1)) == 0) {
    path.insert(path.begin(), std::string(first_root));
  }
  int64_t fn = first_size - 1;
  int64_t sn = second_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr = path[0];
  std::string sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

absl::StatusOr<std::string> HexDecode(absl::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError("hex string has an odd length");
  }
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", std::string(1, c), "' is not a hex digit"));
    }
  }
  return absl::HexStringToBytes(hex);
}

}  // namespace kip::sessions
