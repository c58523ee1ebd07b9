// The embedded MITRE ATLAS catalog (data/atlas/ATLAS.yaml, ATLAS 5.6) and the mapping of the
// seed's technique IDs to official ATLAS techniques (docs/formats/atlas.md).
//
// Expected names are literals read from ATLAS.yaml by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/exposure_key.h"
#include "parsers/atlas.h"
#include "parsers/parser.h"

namespace ctem::parsers {
namespace {

using namespace std::chrono_literals;

TEST(AtlasCatalog, LoadsTheEmbeddedCatalog) {
  EXPECT_EQ(AtlasVersion(), "5.6.0");
  const auto& all = AtlasTechniques();
  EXPECT_GT(all.size(), 100u);
  EXPECT_EQ(all.size(), 170u);  // 170 technique and sub-technique entries in ATLAS 5.6.0
  std::set<std::string> ids;
  for (const auto& t : all) {
    EXPECT_TRUE(t.id.starts_with("AML.T")) << t.id;
    EXPECT_FALSE(t.name.empty()) << t.id;
    EXPECT_FALSE(t.tactics.empty()) << t.id;  // sub-techniques inherit their parent's
    ids.insert(t.id);
  }
  EXPECT_EQ(ids.size(), all.size());
}

TEST(AtlasCatalog, EmbeddedBytesAreTheShippedFile) {
  // The binary carries data/atlas/ATLAS.yaml byte for byte (data/atlas/NOTICE gives its hash).
  std::ifstream in(std::string(CTEM_TESTDATA_DIR) + "/../../data/atlas/ATLAS.yaml", std::ios::binary);
  ASSERT_TRUE(in.good());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  EXPECT_EQ(Sha256Hex(bytes.str()), "8a5693df51135721796607b8f29cba8ed33d745d5592ed80efbaaab0fba978f2");
}

TEST(AtlasCatalog, KnownTechniques) {
  const std::vector<std::pair<std::string_view, std::string_view>> known = {
      {"AML.T0010", "AI Supply Chain Compromise"},
      {"AML.T0013", "Discover AI Model Ontology"},
      {"AML.T0014", "Discover AI Model Family"},
      {"AML.T0015", "Evade AI Model"},
      {"AML.T0018", "Manipulate AI Model"},
      {"AML.T0020", "Poison Training Data"},
      {"AML.T0024", "Exfiltration via AI Inference API"},
      {"AML.T0024.000", "Infer Training Data Membership"},
      {"AML.T0024.002", "Extract AI Model"},
      {"AML.T0029", "Denial of AI Service"},
      {"AML.T0035", "AI Artifact Collection"},
      {"AML.T0043", "Craft Adversarial Data"},
      {"AML.T0044", "Full AI Model Access"},
      {"AML.T0048.003", "User Harm"},
      {"AML.T0049", "Exploit Public-Facing Application"},
      {"AML.T0051", "LLM Prompt Injection"},
      {"AML.T0054", "LLM Jailbreak"},
  };
  for (const auto& [id, name] : known) {
    SCOPED_TRACE(std::string(id));
    const auto t = FindAtlasTechnique(id);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->id, id);
    EXPECT_EQ(t->name, name);
  }
  // Tactics, with names; a sub-technique names its parent and inherits its tactics.
  const auto t0051 = FindAtlasTechnique("AML.T0051");
  ASSERT_TRUE(t0051.has_value());
  ASSERT_EQ(t0051->tactics.size(), 1u);
  EXPECT_EQ(t0051->tactics[0].id, "AML.TA0005");
  EXPECT_EQ(t0051->tactics[0].name, "Execution");
  const auto t0015 = FindAtlasTechnique("AML.T0015");
  ASSERT_TRUE(t0015.has_value());
  ASSERT_EQ(t0015->tactics.size(), 3u);
  EXPECT_EQ(t0015->tactics[0].name, "Initial Access");
  EXPECT_EQ(t0015->tactics[1].name, "Defense Evasion");
  EXPECT_EQ(t0015->tactics[2].name, "Impact");
  const auto extract = FindAtlasTechnique("AML.T0024.002");
  ASSERT_TRUE(extract.has_value());
  EXPECT_EQ(extract->parent_id, "AML.T0024");
  ASSERT_EQ(extract->tactics.size(), 1u);
  EXPECT_EQ(extract->tactics[0].id, "AML.TA0010");
  EXPECT_EQ(extract->tactics[0].name, "Exfiltration");

  for (std::string_view missing : {"AML.T0044.001", "AML.T0035.001", "AML.T0035.002", "", "aml.t0051", "T1059",
                                   "AML.T0051 ", "AML.TA0005"}) {
    EXPECT_FALSE(FindAtlasTechnique(missing).has_value()) << missing;
  }
}

struct MappingCase {
  std::string_view seed_id;
  std::string_view source_tool;
  std::string_view official_id;
  std::string_view official_name;
  AtlasMatch match;
};

// Every seed ID used in src/ and in the seed's KNOWN_TECHNIQUES (section 8.4).
TEST(AtlasMapping, EverySeedId) {
  const std::vector<MappingCase> cases = {
      {"AML.T0020", "", "AML.T0020", "Poison Training Data", AtlasMatch::kExact},
      {"AML.T0043", "", "AML.T0043", "Craft Adversarial Data", AtlasMatch::kExact},
      {"AML.T0015", "", "AML.T0015", "Evade AI Model", AtlasMatch::kExact},
      {"AML.T0015", "IBM_ART", "AML.T0015", "Evade AI Model", AtlasMatch::kExact},
      {"AML.T0044", "", "AML.T0044", "Full AI Model Access", AtlasMatch::kExact},
      {"AML.T0044", "IBM_ART", "AML.T0024.002", "Extract AI Model", AtlasMatch::kLoose},
      {"AML.T0044.001", "", "AML.T0024.002", "Extract AI Model", AtlasMatch::kNonStandard},
      {"AML.T0044.001", "Garak", "AML.T0024.002", "Extract AI Model", AtlasMatch::kNonStandard},
      {"AML.T0051", "", "AML.T0051", "LLM Prompt Injection", AtlasMatch::kExact},
      {"AML.T0054", "", "AML.T0054", "LLM Jailbreak", AtlasMatch::kExact},
      {"AML.T0029", "", "AML.T0029", "Denial of AI Service", AtlasMatch::kExact},
      {"AML.T0010", "", "AML.T0010", "AI Supply Chain Compromise", AtlasMatch::kExact},
      {"AML.T0010", "Snyk", "AML.T0010", "AI Supply Chain Compromise", AtlasMatch::kExact},
      {"AML.T0018", "", "AML.T0018", "Manipulate AI Model", AtlasMatch::kExact},
      {"AML.T0035.001", "", "AML.T0044", "Full AI Model Access", AtlasMatch::kNonStandard},
      {"AML.T0035.002", "", "AML.T0044", "Full AI Model Access", AtlasMatch::kNonStandard},
      {"AML.T0014", "", "AML.T0013", "Discover AI Model Ontology", AtlasMatch::kLoose},
      {"AML.T0024", "", "AML.T0024.000", "Infer Training Data Membership", AtlasMatch::kLoose},
      {"AML.T0024", "IBM_ART", "AML.T0024.000", "Infer Training Data Membership", AtlasMatch::kLoose},
      {"AML.T0048.003", "", "AML.T0049", "Exploit Public-Facing Application", AtlasMatch::kLoose},
      // IDs outside the seed's table: exact when ATLAS has them, else no official technique.
      {"AML.T0057", "", "AML.T0057", "LLM Data Leakage", AtlasMatch::kExact},
      {"AML.T9999", "", "", "", AtlasMatch::kNonStandard},
  };
  for (const MappingCase& c : cases) {
    SCOPED_TRACE(std::string(c.seed_id) + " from '" + std::string(c.source_tool) + "'");
    const AtlasMapping m = MapSeedTechnique(c.seed_id, c.source_tool);
    EXPECT_EQ(m.seed_id, c.seed_id);
    EXPECT_EQ(m.official_id, c.official_id);
    EXPECT_EQ(m.official_name, c.official_name);
    EXPECT_EQ(m.match, c.match);
    if (c.match != AtlasMatch::kExact) {
      EXPECT_FALSE(m.note.empty());
    }
  }
  EXPECT_EQ(AtlasMatchName(AtlasMatch::kExact), "exact");
  EXPECT_EQ(AtlasMatchName(AtlasMatch::kLoose), "loose");
  EXPECT_EQ(AtlasMatchName(AtlasMatch::kNonStandard), "non_standard");
  // Every documented mapping points at a technique the catalog has.
  for (const std::string& id : DocumentedSeedTechniques()) {
    EXPECT_FALSE(MapSeedTechnique(id).official_id.empty()) << id;
  }
}

TEST(AtlasMapping, CatalogIsSafeToLoadFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<std::string> names(8);
  for (size_t i = 0; i < names.size(); ++i) {
    threads.emplace_back([&names, i] { names[i] = MapSeedTechnique("AML.T0051").official_name; });
  }
  for (auto& t : threads) t.join();
  for (const auto& n : names) EXPECT_EQ(n, "LLM Prompt Injection");
}

// Every parser stamps the official technique while keeping the seed's ID.
TEST(AtlasMapping, ParsersCarryTheOfficialTechnique) {
  ParseContext ctx;
  ctx.now = std::chrono::sys_days{std::chrono::year{2026} / std::chrono::November / 27} + 8h;
  struct Case {
    std::string_view source;
    std::string document;
    std::string_view seed_id;
    std::string_view official_id;
  };
  const std::vector<Case> cases = {
      {"ibm_art",
       R"([{"attack_type": "extraction", "model_name": "orbital-vision-v3", "success_rate": 0.8}])",
       "AML.T0044", "AML.T0024.002"},
      {"ibm_art", R"([{"attack_type": "inference", "model_name": "orbital-vision-v3", "success_rate": 0.4}])",
       "AML.T0024", "AML.T0024.000"},
      {"ibm_art", R"([{"attack_type": "evasion", "model_name": "orbital-vision-v3", "success_rate": 0.4}])",
       "AML.T0015", "AML.T0015"},
      {"garak", R"([{"probe": "dan.Dan_11_0", "passed": false, "failure_rate": 0.6}])", "AML.T0051", "AML.T0051"},
      {"garak", R"([{"probe": "leakreplay.extraction", "passed": false, "failure_rate": 0.6}])", "AML.T0044.001",
       "AML.T0024.002"},
      {"snyk", R"([{"packageName": "torch", "version": "1.13.0", "id": "SNYK-PYTHON-TORCH-1", "severity": "high"}])",
       "AML.T0010", "AML.T0010"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.source) + " " + c.document);
    const SourceParser* parser = FindParser(c.source);
    ASSERT_NE(parser, nullptr);
    ParsedBatch out;
    parser->Parse(c.document, ctx, out);
    ASSERT_EQ(out.exposures.size(), 1u) << (out.errors.empty() ? "" : out.errors[0].reason);
    const Exposure& e = out.exposures[0];
    EXPECT_EQ(e.atlas_technique, c.seed_id);
    EXPECT_EQ(e.atlas_official_id, c.official_id);
    EXPECT_EQ(e.atlas_official_name, FindAtlasTechnique(c.official_id)->name);
  }
}

}  // namespace
}  // namespace ctem::parsers
