// The RFC 6962 (Certificate Transparency) Merkle tree over the global event
// log: leaf hash H(0x00||d), node hash H(0x01||l||r), tree hash, audit paths
// (inclusion proofs) and consistency proofs, and their verifiers. Hashes are
// 32 raw bytes in std::string.
#ifndef KIP_SERVICES_SESSIONS_LOG_MERKLE_H_
#define KIP_SERVICES_SESSIONS_LOG_MERKLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "base/digest.h"

namespace kip::sessions {

using ::kip::HexEncode;
using ::kip::Sha256;

std::string MerkleLeafHash(absl::string_view leaf_data);
std::string MerkleNodeHash(absl::string_view left, absl::string_view right);

// MTH(D[0:n]) from the leaf hashes; SHA-256("") for the empty tree.
std::string MerkleRoot(absl::Span<const std::string> leaf_hashes);

// PATH(m, D[0:n]) of RFC 6962 section 2.1.1; n = leaf_hashes.size().
absl::StatusOr<std::vector<std::string>> MerkleInclusionProof(
    absl::Span<const std::string> leaf_hashes, int64_t leaf_index);

// PROOF(m, D[0:n]) of RFC 6962 section 2.1.2; n = leaf_hashes.size().
absl::StatusOr<std::vector<std::string>> MerkleConsistencyProof(
    absl::Span<const std::string> leaf_hashes, int64_t first_size);

// RFC 9162 section 2.1.3.2 verification of an inclusion proof.
bool VerifyMerkleInclusion(absl::string_view leaf_hash, int64_t leaf_index,
                           int64_t tree_size,
                           absl::Span<const std::string> proof,
                           absl::string_view root);

// RFC 9162 section 2.1.4.2 verification of a consistency proof.
bool VerifyMerkleConsistency(int64_t first_size, int64_t second_size,
                             absl::string_view first_root,
                             absl::string_view second_root,
                             absl::Span<const std::string> proof);

// Lower- or upper-case hex to bytes; INVALID_ARGUMENT on odd length or non-hex.
absl::StatusOr<std::string> HexDecode(absl::string_view hex);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_MERKLE_H_
