// ART run documents (issue 5; docs/formats/ibm_art.md): the sample documents in
// tests/data/art, the class -> category table, and bad input.
//
// Values worked out by hand from the seed's ARTNormaliser (evasion -> equipment, AML.T0015,
// TM-07; poisoning -> safety_life, AML.T0020, TM-01; extraction -> data_loss, AML.T0044, TM-12;
// inference -> data_loss, AML.T0024, TM-13; > 0.7 high, > 0.3 medium; score
// round(rate * {10, 8, 5, 3}, 1)) and keys sha256("IBM_ART:<category>:<model>")[:16]:
//   IBM_ART:evasion:defect-vision-v3            0bf3d480a351c5ce
//   IBM_ART:poisoning:defect-vision-v3          4f35990b4ae445c7
//   IBM_ART:extraction:maintenance-predictor-v2 70baa2172b04f799
//   IBM_ART:inference:maintenance-predictor-v2  28102355005d9445
//   IBM_ART:extraction:defect-vision-v3         f27d4ab0807d46f8
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "parsers/art_native.h"
#include "parsers/parser.h"
#include "pipeline/ingest.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace ctem::parsers {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

ParseContext Ctx() {
  ParseContext ctx;
  ctx.now = std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h;
  ctx.tenant_id = "acme";
  return ctx;
}

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(CTEM_TESTDATA_DIR) + "/art/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ParsedBatch Parse(std::string_view document) {
  const SourceParser* parser = FindParser("ibm_art");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document, Ctx(), out);
  return out;
}

std::string Errors(const ParsedBatch& b) {
  std::string s;
  for (const auto& e : b.errors) s += "[" + std::to_string(e.record_index) + " " + e.field + ": " + e.reason + "] ";
  return s;
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> Keys(const ParsedBatch& b) {
  std::vector<std::string> keys;
  for (const auto& e : b.exposures) keys.push_back(e.exposure_key);
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Class -> category.

TEST(ArtNative, AttackCategoryFromClassOrModulePath) {
  struct Case {
    std::string_view attack;
    std::string_view category;
    std::string_view subcategory;
  };
  const std::vector<Case> cases = {
      {"FastGradientMethod", "evasion", ""},
      {"ProjectedGradientDescent", "evasion", ""},
      {"CarliniL2Method", "evasion", ""},
      {"DeepFool", "evasion", ""},
      {"BoundaryAttack", "evasion", ""},
      {"HopSkipJump", "evasion", ""},
      {"AutoAttack", "evasion", ""},
      {"SquareAttack", "evasion", ""},
      {"ZooAttack", "evasion", ""},
      {"art.attacks.evasion.ProjectedGradientDescent", "evasion", ""},
      {"art.attacks.evasion.projected_gradient_descent.projected_gradient_descent.ProjectedGradientDescent",
       "evasion", ""},
      {"PoisoningAttackBackdoor", "poisoning", ""},
      {"PoisoningAttackCleanLabelBackdoor", "poisoning", ""},
      {"FeatureCollisionAttack", "poisoning", ""},
      {"SleeperAgentAttack", "poisoning", ""},
      {"art.attacks.poisoning.backdoor_attack.PoisoningAttackBackdoor", "poisoning", ""},
      {"CopycatCNN", "extraction", ""},
      {"KnockoffNets", "extraction", ""},
      {"FunctionallyEquivalentExtraction", "extraction", ""},
      {"art.attacks.extraction.KnockoffNets", "extraction", ""},
      {"MembershipInferenceBlackBox", "inference", "membership_inference"},
      {"MembershipInferenceBlackBoxRuleBased", "inference", "membership_inference"},
      {"AttributeInferenceBlackBox", "inference", "attribute_inference"},
      {"MIFace", "inference", "model_inversion"},
      {"DatabaseReconstruction", "inference", "reconstruction"},
      {"art.attacks.inference.membership_inference.black_box.MembershipInferenceBlackBox", "inference",
       "membership_inference"},
      {"art.attacks.inference.model_inversion.MIFace", "inference", "model_inversion"},
      // The module path decides for classes the table does not know...
      {"art.attacks.poisoning.some_new_attack.SomeNewAttack", "poisoning", ""},
      {"art.attacks.inference.attribute_inference.NewAttributeAttack", "inference", "attribute_inference"},
      // ...and wins over the class name.
      {"art.attacks.extraction.DeepFool", "extraction", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.attack));
    const auto cls = ArtAttackCategory(c.attack);
    ASSERT_TRUE(cls.has_value());
    EXPECT_EQ(cls->category, c.category);
    EXPECT_EQ(cls->subcategory, c.subcategory);
  }
  for (std::string_view unknown : {"", "MyHomemadeAttack", "art.defences.trainer.AdversarialTrainer",
                                   "art.attacks.SomeNewAttack", "fastgradientmethod", "art.attacks.evasion"}) {
    EXPECT_FALSE(ArtAttackCategory(unknown).has_value()) << unknown;
  }
}

// ---------------------------------------------------------------------------------------------
// Sample documents.

TEST(ArtNative, DefectVisionRun) {
  const ParsedBatch b = Parse(ReadData("defect_vision_run.json"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 4u);  // four attacks
  ASSERT_EQ(b.exposures.size(), 2u);

  const Exposure& evasion = b.exposures[0];
  EXPECT_EQ(evasion.source_tool, "IBM_ART");
  // PGD 0.82 beats FGM 1 - 0.4/0.97 = 0.588 and HopSkipJump 0.64.
  EXPECT_EQ(evasion.title, "ART: evasion attack success rate 82% on defect-vision-v3");
  EXPECT_EQ(evasion.original_severity, "success_rate=0.82");
  EXPECT_DOUBLE_EQ(evasion.exploitability_score, 0.82);
  EXPECT_EQ(evasion.asset_id, "defect-vision-v3");
  EXPECT_EQ(evasion.asset_type, "MLModel");
  EXPECT_EQ(evasion.asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(evasion.physical_consequence, Consequence::kEquipment);
  EXPECT_EQ(evasion.severity, Severity::kCritical);  // (high, equipment)
  EXPECT_EQ(evasion.ctem_score, 6.6);                // round(0.82 * 8, 1)
  EXPECT_EQ(evasion.atlas_technique, "AML.T0015");
  EXPECT_EQ(evasion.threat_model_ref, "TM-07");
  EXPECT_EQ(evasion.exposure_key, "0bf3d480a351c5ce");
  EXPECT_EQ(evasion.remediation_guidance,
            "Adversarial training with PGD examples (art.defences.trainer.AdversarialTrainerMadryPGD)");
  ASSERT_TRUE(evasion.sla_deadline.has_value());
  EXPECT_EQ(FormatTimestamp(*evasion.sla_deadline), "2026-11-28T08:00:00.000Z");  // CRITICAL: +24h
  EXPECT_EQ(evasion.description,
            "IBM ART 1.17.1 run art-2026-11-20-defect-vision on defect-vision-v3 (pytorch, PyTorchClassifier, "
            "dataset weld-defects-test-500): 3 evasion attacks; the exposure takes the highest success rate "
            "(ProjectedGradientDescent). ProjectedGradientDescent (eps=0.03, eps_step=0.005, max_iter=40, norm=inf, "
            "targeted=false): success rate 0.82 (clean_accuracy=0.97, adversarial_accuracy=0.17, samples=500). "
            "FastGradientMethod (eps=0.03): success rate 0.59 (derived as 1 - adversarial_accuracy / "
            "clean_accuracy; clean_accuracy=0.97, adversarial_accuracy=0.4, samples=500). HopSkipJump (max_iter=50, "
            "max_eval=10000): success rate 0.64 (queries=250000). Defences in place during the test: "
            "SpatialSmoothing.");
  ASSERT_EQ(evasion.reference_urls.size(), 1u);
  EXPECT_EQ(evasion.reference_urls[0],
            "https://adversarial-robustness-toolbox.readthedocs.io/en/latest/modules/attacks/evasion.html");

  const Exposure& poisoning = b.exposures[1];
  EXPECT_EQ(poisoning.title, "ART: poisoning attack success rate 91% on defect-vision-v3");
  EXPECT_EQ(poisoning.physical_consequence, Consequence::kSafetyLife);
  EXPECT_EQ(poisoning.severity, Severity::kCritical);
  EXPECT_EQ(poisoning.ctem_score, 9.1);
  EXPECT_EQ(poisoning.atlas_technique, "AML.T0020");
  EXPECT_EQ(poisoning.threat_model_ref, "TM-01");
  EXPECT_EQ(poisoning.exposure_key, "4f35990b4ae445c7");
  EXPECT_EQ(poisoning.remediation_guidance,
            "Activation clustering on the training set (art.defences.detector.poison.ActivationDefence)");
  EXPECT_TRUE(Contains(poisoning.description, "A 5% poisoned fine-tuning set plants a backdoor that hides weld cracks."));
}

TEST(ArtNative, MaintenancePrivacyRun) {
  const ParsedBatch b = Parse(ReadData("maintenance_privacy_run.json"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 4u);
  ASSERT_EQ(b.exposures.size(), 2u);

  const Exposure& extraction = b.exposures[0];
  EXPECT_EQ(extraction.title, "ART: extraction attack success rate 68% on maintenance-predictor-v2");
  EXPECT_EQ(extraction.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(extraction.severity, Severity::kLow);  // (medium, data_loss)
  EXPECT_EQ(extraction.ctem_score, 2.0);           // round(0.68 * 3, 1)
  EXPECT_EQ(extraction.atlas_technique, "AML.T0044");
  EXPECT_EQ(extraction.threat_model_ref, "TM-12");
  EXPECT_EQ(extraction.exposure_key, "70baa2172b04f799");
  EXPECT_EQ(extraction.remediation_guidance,
            "Rate-limit the prediction API and return labels without confidence scores");

  const Exposure& inference = b.exposures[1];
  // max(MembershipInferenceBlackBox 0.58, AttributeInferenceBlackBox 0.35, MIFace 0.12)
  EXPECT_EQ(inference.title, "ART: inference attack success rate 58% on maintenance-predictor-v2");
  EXPECT_EQ(inference.severity, Severity::kLow);
  EXPECT_EQ(inference.ctem_score, 1.7);  // round(0.58 * 3, 1)
  EXPECT_EQ(inference.atlas_technique, "AML.T0024");
  EXPECT_EQ(inference.threat_model_ref, "TM-13");
  EXPECT_EQ(inference.exposure_key, "28102355005d9445");
  EXPECT_TRUE(Contains(inference.description, "3 inference attacks; the exposure takes the highest success rate "
                                              "(MembershipInferenceBlackBox)."));
  EXPECT_TRUE(Contains(inference.description, "MIFace (max_iter=10000): success rate 0.12."));
  ASSERT_EQ(inference.reference_urls.size(), 1u);
  EXPECT_EQ(inference.reference_urls[0], "https://adversarial-robustness-toolbox.readthedocs.io/en/latest/modules/"
                                         "attacks/inference/membership_inference.html");
}

TEST(ArtNative, RescanWithErrorsKeepsTheValidAttacks) {
  const ParsedBatch b = Parse(ReadData("rescan_with_errors.json"));
  EXPECT_EQ(b.received, 7u);  // six attacks + one seed-shaped record
  ASSERT_EQ(b.errors.size(), 4u) << Errors(b);
  EXPECT_EQ(b.errors[0].record_index, 1);
  EXPECT_EQ(b.errors[0].field, "attacks[1].attack");
  EXPECT_TRUE(Contains(b.errors[0].reason, "unknown ART attack class 'MyHomemadeAttack'"));
  EXPECT_EQ(b.errors[1].record_index, 2);
  EXPECT_EQ(b.errors[1].field, "attacks[2].metrics.success_rate");
  EXPECT_EQ(b.errors[2].record_index, 3);
  EXPECT_EQ(b.errors[2].field, "attacks[3].metrics.clean_accuracy");
  EXPECT_EQ(b.errors[3].record_index, 4);
  EXPECT_EQ(b.errors[3].field, "attacks[4].metrics");
  ASSERT_EQ(b.exposures.size(), 2u);
  // The seed-shaped record comes out as it is read; the run's groups after the document.
  EXPECT_EQ(b.exposures[0].title, "ART: extraction attack success rate 20% on defect-vision-v3");
  EXPECT_EQ(b.exposures[0].exposure_key, "f27d4ab0807d46f8");
  EXPECT_EQ(b.exposures[0].description, "A seed-shaped result in the same payload");
  // PGD 0.35 and the categorised homemade attack 0.5: the rescan of defect_vision_run's evasion.
  EXPECT_EQ(b.exposures[1].title, "ART: evasion attack success rate 50% on defect-vision-v3");
  EXPECT_EQ(b.exposures[1].severity, Severity::kHigh);  // (medium, equipment)
  EXPECT_EQ(b.exposures[1].ctem_score, 4.0);
  EXPECT_EQ(b.exposures[1].exposure_key, "0bf3d480a351c5ce");
}

TEST(ArtNative, SameKeysOnReparseAndAcrossShapes) {
  for (const char* name : {"defect_vision_run.json", "maintenance_privacy_run.json", "rescan_with_errors.json"}) {
    SCOPED_TRACE(name);
    const std::string doc = ReadData(name);
    EXPECT_EQ(Keys(Parse(doc)), Keys(Parse(doc)));
  }
  // A seed-shaped result for the same (category, model) has the run document's key.
  const ParsedBatch seed = Parse(R"({"attack_type": "evasion", "model_name": "defect-vision-v3", "success_rate": 0.4})");
  ASSERT_EQ(seed.exposures.size(), 1u);
  EXPECT_EQ(seed.exposures[0].exposure_key, "0bf3d480a351c5ce");
}

TEST(ArtNative, ReingestIntoStoreChangesNoRowCount) {
  ctem::testing::TempDir dir;
  auto store = store::OpenStore("sqlite:" + dir.File("ctem.db"));
  ASSERT_TRUE(store.has_value()) << store.error().message;
  ASSERT_TRUE((*store)->Migrate().has_value());
  const SourceParser* parser = FindParser("ibm_art");
  ASSERT_NE(parser, nullptr);
  size_t expected = 0;
  for (const char* name : {"defect_vision_run.json", "maintenance_privacy_run.json", "rescan_with_errors.json"}) {
    SCOPED_TRACE(name);
    const std::string doc = ReadData(name);
    const auto first = pipeline::IngestDocument(**store, *parser, doc, name, Ctx());
    expected += first.inserted;
    const auto second = pipeline::IngestDocument(**store, *parser, doc, name, Ctx());
    EXPECT_EQ(second.inserted, 0u);
    EXPECT_EQ(second.updated, first.inserted + first.updated);
    EXPECT_EQ(second.rejected, first.rejected);
    auto count = (*store)->CountExposures("acme");
    ASSERT_TRUE(count.has_value());
    EXPECT_EQ(*count, expected);
  }
  // 2 + 2 + 1 (the rescan's evasion is defect_vision_run's row; its extraction is new).
  EXPECT_EQ(expected, 5u);
}

// ---------------------------------------------------------------------------------------------
// Rules.

json RunDoc(json attacks) {
  return json{{"model", {{"name", "m"}}}, {"attacks", std::move(attacks)}};
}

TEST(ArtNative, RateFromAccuraciesAndCategoryOverride) {
  const ParsedBatch b = Parse(RunDoc(json::array({
                                      {{"attack", "DeepFool"},
                                       {"metrics", {{"clean_accuracy", 0.8}, {"adversarial_accuracy", 0.2}}}},
                                      {{"attack", "BoundaryAttack"},  // adversarial above clean -> 0
                                       {"metrics", {{"clean_accuracy", 0.5}, {"adversarial_accuracy", 0.6}}}},
                                      {{"attack", "my_lab.BackdoorV2"},
                                       {"category", "poisoning"},
                                       {"metrics", {{"success_rate", 0.4}}}},
                                  }))
                                  .dump());
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 3u);
  ASSERT_EQ(b.exposures.size(), 2u);
  EXPECT_EQ(b.exposures[0].title, "ART: evasion attack success rate 75% on m");  // 1 - 0.2/0.8
  EXPECT_TRUE(Contains(b.exposures[0].description, "BoundaryAttack: success rate 0.00"));
  EXPECT_EQ(b.exposures[1].title, "ART: poisoning attack success rate 40% on m");
  EXPECT_EQ(b.exposures[1].reference_urls[0],
            "https://adversarial-robustness-toolbox.readthedocs.io/en/latest/modules/attacks/poisoning.html");
}

TEST(ArtNative, ModelAsStringAndArrayOfRunDocuments) {
  const json doc = json::array({
      {{"model", "vision-a"}, {"attacks", json::array({{{"attack", "FastGradientMethod"}, {"metrics", {{"success_rate", 0.9}}}}})}},
      {{"model", "vision-b"}, {"attacks", json::array({{{"attack", "FastGradientMethod"}, {"metrics", {{"success_rate", 0.1}}}},
                                                       {{"attack", 7}, {"metrics", {{"success_rate", 0.1}}}}})}},
  });
  const ParsedBatch b = Parse(doc.dump());
  EXPECT_EQ(b.received, 3u);
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_EQ(b.errors[0].record_index, 1);
  EXPECT_EQ(b.errors[0].field, "[1].attacks[1].attack");  // second run document
  ASSERT_EQ(b.exposures.size(), 2u);
  EXPECT_EQ(b.exposures[0].asset_id, "vision-a");
  EXPECT_EQ(b.exposures[1].asset_id, "vision-b");
}

// ---------------------------------------------------------------------------------------------
// Bad input.

TEST(ArtNative, BadAttacksNameIndexAndField) {
  struct Case {
    json attack;
    std::string_view field;
  };
  const std::vector<Case> cases = {
      {json{{"metrics", {{"success_rate", 0.5}}}}, "attacks[1].attack"},
      {json{{"attack", ""}, {"metrics", {{"success_rate", 0.5}}}}, "attacks[1].attack"},
      {json{{"attack", 3}, {"metrics", {{"success_rate", 0.5}}}}, "attacks[1].attack"},
      {json{{"attack", "Nope"}, {"metrics", {{"success_rate", 0.5}}}}, "attacks[1].attack"},
      {json{{"attack", "Nope"}, {"category", "stealing"}, {"metrics", {{"success_rate", 0.5}}}}, "attacks[1].category"},
      {json{{"attack", "DeepFool"}, {"category", 1}, {"metrics", {{"success_rate", 0.5}}}}, "attacks[1].category"},
      {json{{"attack", "DeepFool"}}, "attacks[1].metrics"},
      {json{{"attack", "DeepFool"}, {"metrics", 0.5}}, "attacks[1].metrics"},
      {json{{"attack", "DeepFool"}, {"metrics", json::object()}}, "attacks[1].metrics.success_rate"},
      {json{{"attack", "DeepFool"}, {"metrics", {{"success_rate", "high"}}}}, "attacks[1].metrics.success_rate"},
      {json{{"attack", "DeepFool"}, {"metrics", {{"success_rate", 82}}}}, "attacks[1].metrics.success_rate"},
      {json{{"attack", "DeepFool"}, {"metrics", {{"success_rate", -0.1}}}}, "attacks[1].metrics.success_rate"},
      {json{{"attack", "DeepFool"}, {"metrics", {{"clean_accuracy", 0.9}}}}, "attacks[1].metrics.success_rate"},
      {json{{"attack", "DeepFool"}, {"metrics", {{"clean_accuracy", 0}, {"adversarial_accuracy", 0}}}},
       "attacks[1].metrics.clean_accuracy"},
      {json{{"attack", "DeepFool"}, {"metrics", {{"clean_accuracy", 1.2}, {"adversarial_accuracy", 0}}}},
       "attacks[1].metrics.clean_accuracy"},
      {json{{"attack", "DeepFool"}, {"params", "eps=0.1"}, {"metrics", {{"success_rate", 0.5}}}}, "attacks[1].params"},
      {json{{"attack", "DeepFool"}, {"recommended_defense", 5}, {"metrics", {{"success_rate", 0.5}}}},
       "attacks[1].recommended_defense"},
      {json{{"attack", "DeepFool"}, {"defenses", json::array({1})}, {"metrics", {{"success_rate", 0.5}}}},
       "attacks[1].defenses"},
      {json("DeepFool"), "attacks[1]"},
      {json(nullptr), "attacks[1]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.attack.dump());
    const json doc = RunDoc(json::array({{{"attack", "FastGradientMethod"}, {"metrics", {{"success_rate", 0.9}}}},
                                      c.attack,
                                      {{"attack", "KnockoffNets"}, {"metrics", {{"success_rate", 0.4}}}}}));
    const ParsedBatch b = Parse(doc.dump());
    EXPECT_EQ(b.received, 3u);
    ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
    EXPECT_EQ(b.errors[0].record_index, 1);
    EXPECT_EQ(b.errors[0].field, c.field);
    EXPECT_FALSE(b.errors[0].reason.empty());
    ASSERT_EQ(b.exposures.size(), 2u);
    EXPECT_EQ(b.exposures[0].title, "ART: evasion attack success rate 90% on m");
    EXPECT_EQ(b.exposures[1].title, "ART: extraction attack success rate 40% on m");
  }
}

TEST(ArtNative, BadRunDocumentRejectedWhole) {
  struct Case {
    json doc;
    std::string_view field;
    size_t received;
  };
  const json one = json::array({{{"attack", "DeepFool"}, {"metrics", {{"success_rate", 0.5}}}}});
  const std::vector<Case> cases = {
      {json{{"attacks", one}}, "model", 1},
      {json{{"model", json::object()}, {"attacks", one}}, "model.name", 1},
      {json{{"model", {{"name", 5}}}, {"attacks", one}}, "model.name", 1},
      {json{{"model", ""}, {"attacks", one}}, "model", 1},
      {json{{"model", 5}, {"attacks", one}}, "model", 1},
      {json{{"model", "m"}, {"attacks", "DeepFool"}}, "attacks", 1},
      {json{{"model", "m"}, {"attacks", nullptr}}, "attacks", 1},
      {json{{"model", "m"}, {"art_version", 1.17}, {"attacks", one}}, "art_version", 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.doc.dump());
    const ParsedBatch b = Parse(c.doc.dump());
    EXPECT_EQ(b.received, c.received);
    ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
    EXPECT_EQ(b.errors[0].record_index, 0);
    EXPECT_EQ(b.errors[0].field, c.field);
    EXPECT_TRUE(b.exposures.empty());
  }
  // An empty run is no finding and no error.
  const ParsedBatch empty = Parse(R"({"model": "m", "attacks": []})");
  EXPECT_TRUE(empty.errors.empty());
  EXPECT_EQ(empty.received, 0u);
  EXPECT_TRUE(empty.exposures.empty());
}

TEST(ArtNative, TruncatedDocumentIsOneClearError) {
  const std::string doc = ReadData("defect_vision_run.json");
  const ParsedBatch b = Parse(doc.substr(0, doc.size() / 2));
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].record_index, -1);
  EXPECT_TRUE(Contains(b.errors[0].reason, "malformed JSON")) << b.errors[0].reason;
  EXPECT_TRUE(b.exposures.empty());
  for (size_t cut = 0; cut < doc.size(); cut += 53) {
    const ParsedBatch partial = Parse(doc.substr(0, cut));
    EXPECT_TRUE(partial.exposures.empty());
  }
  // Single-byte corruptions: errors or fewer exposures, never a crash (run under ASan/UBSan).
  const std::string payload = ReadData("rescan_with_errors.json");
  const char replacements[] = {'"', '{', '}', '[', ']', '5', '-', 'x', ':', ','};
  for (size_t i = 0; i < payload.size(); i += 5) {
    std::string corrupt = payload;
    corrupt[i] = replacements[i % sizeof(replacements)];
    const ParsedBatch mutated = Parse(corrupt);
    EXPECT_LE(mutated.exposures.size(), 3u);
  }
}

}  // namespace
}  // namespace ctem::parsers
