#include "services/sessions/log/merkle.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kip::sessions {
namespace {

// The Certificate Transparency reference tree (RFC 6962 test vectors, as
// published with the CT reference implementations): 8 leaf inputs, the root of
// every prefix, and reference inclusion and consistency proofs.
const char* const kLeafInputsHex[] = {"",
                                      "00",
                                      "10",
                                      "2021",
                                      "3031",
                                      "40414243",
                                      "5051525354555657",
                                      "606162636465666768696a6b6c6d6e6f"};
const char* const kRootsHex[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::string Unhex(const std::string& hex) { return *HexDecode(hex); }

std::vector<std::string> ReferenceLeaves() {
  std::vector<std::string> leaves;
  for (const char* input : kLeafInputsHex) {
    leaves.push_back(MerkleLeafHash(Unhex(input)));
  }
  return leaves;
}

std::vector<std::string> HexAll(const std::vector<std::string>& hashes) {
  std::vector<std::string> out;
  for (const std::string& h : hashes) out.push_back(HexEncode(h));
  return out;
}

TEST(MerkleTest, RootsOfEveryPrefixMatchTheReferenceTree) {
  const std::vector<std::string> leaves = ReferenceLeaves();
  for (size_t n = 0; n <= leaves.size(); ++n) {
    EXPECT_EQ(HexEncode(MerkleRoot(absl::MakeConstSpan(leaves).subspan(0, n))),
              kRootsHex[n])
        << "tree size " << n;
  }
}

TEST(MerkleTest, InclusionProofsMatchTheReferenceTree) {
  const std::vector<std::string> leaves = ReferenceLeaves();
  EXPECT_EQ(
      HexAll(*MerkleInclusionProof(leaves, 0)),
      (std::vector<std::string>{
          "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}));
  EXPECT_EQ(
      HexAll(*MerkleInclusionProof(leaves, 5)),
      (std::vector<std::string>{
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
}

TEST(MerkleTest, ConsistencyProofsMatchTheReferenceTree) {
  const std::vector<std::string> leaves = ReferenceLeaves();
  EXPECT_EQ(
      HexAll(*MerkleConsistencyProof(leaves, 2)),
      (std::vector<std::string>{
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}));
  EXPECT_EQ(
      HexAll(*MerkleConsistencyProof(leaves, 6)),
      (std::vector<std::string>{
          "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
}

// Every proof of every tree shape up to 40 leaves verifies, and a flipped bit,
// a dropped or an extra hash does not.
TEST(MerkleTest, EveryProofVerifiesAndNoMangledOneDoes) {
  std::vector<std::string> all;
  for (int i = 0; i < 40; ++i) all.push_back(MerkleLeafHash(absl::StrCat(i)));
  for (int64_t n = 1; n <= 40; ++n) {
    auto leaves = absl::MakeConstSpan(all).subspan(0, n);
    const std::string root = MerkleRoot(leaves);
    for (int64_t m = 0; m < n; ++m) {
      std::vector<std::string> proof = *MerkleInclusionProof(leaves, m);
      ASSERT_TRUE(VerifyMerkleInclusion(leaves[m], m, n, proof, root))
          << m << "/" << n;
      EXPECT_FALSE(
          VerifyMerkleInclusion(leaves[(m + 1) % n], m, n, proof, root) &&
          n > 1);
      if (!proof.empty()) {
        std::vector<std::string> flipped = proof;
        flipped.back()[3] ^= 0x01;
        EXPECT_FALSE(VerifyMerkleInclusion(leaves[m], m, n, flipped, root));
        std::vector<std::string> shorter(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(VerifyMerkleInclusion(leaves[m], m, n, shorter, root));
      }
      std::vector<std::string> longer = proof;
      longer.push_back(std::string(32, 'x'));
      EXPECT_FALSE(VerifyMerkleInclusion(leaves[m], m, n, longer, root));
    }
    for (int64_t first = 0; first <= n; ++first) {
      const std::string first_root = MerkleRoot(leaves.subspan(0, first));
      std::vector<std::string> proof = *MerkleConsistencyProof(leaves, first);
      ASSERT_TRUE(VerifyMerkleConsistency(first, n, first_root, root, proof))
          << first << "->" << n;
      if (!proof.empty()) {
        std::vector<std::string> flipped = proof;
        flipped.front()[0] ^= 0x80;
        EXPECT_FALSE(
            VerifyMerkleConsistency(first, n, first_root, root, flipped));
      }
      if (first > 0 && first < n) {
        // A different history of the first tree is caught.
        std::string other_root = first_root;
        other_root[5] ^= 0x01;
        EXPECT_FALSE(
            VerifyMerkleConsistency(first, n, other_root, root, proof));
      }
    }
  }
}

TEST(MerkleTest, OutOfRangeRequestsAreInvalidArguments) {
  const std::vector<std::string> leaves = ReferenceLeaves();
  EXPECT_EQ(MerkleInclusionProof(leaves, 8).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MerkleInclusionProof(leaves, -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MerkleConsistencyProof(leaves, 9).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

}  // namespace
}  // namespace kip::sessions
