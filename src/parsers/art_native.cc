// ART run documents (see art_native.h and docs/formats/ibm_art.md).
#include "parsers/art_native.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <initializer_list>

#include "parsers/json_records.h"

namespace ctem::parsers {
namespace {

struct KnownAttack {
  std::string_view name;
  ArtAttackClass cls;
};

constexpr ArtAttackClass kEvasion{"evasion", ""};
constexpr ArtAttackClass kPoisoning{"poisoning", ""};
constexpr ArtAttackClass kExtraction{"extraction", ""};
constexpr ArtAttackClass kMembership{"inference", "membership_inference"};
constexpr ArtAttackClass kAttribute{"inference", "attribute_inference"};
constexpr ArtAttackClass kInversion{"inference", "model_inversion"};
constexpr ArtAttackClass kReconstruction{"inference", "reconstruction"};

// The attack classes ART exports from art.attacks.{evasion, poisoning, extraction, inference.*}
// (ART 1.x). A class missing here is still recognised from its module path.
constexpr KnownAttack kKnownAttacks[] = {
    // art.attacks.evasion
    {"AdversarialPatch", kEvasion},
    {"AdversarialPatchNumpy", kEvasion},
    {"AdversarialPatchPyTorch", kEvasion},
    {"AdversarialPatchTensorFlowV2", kEvasion},
    {"AdversarialTexturePyTorch", kEvasion},
    {"AutoAttack", kEvasion},
    {"AutoConjugateGradient", kEvasion},
    {"AutoProjectedGradientDescent", kEvasion},
    {"BasicIterativeMethod", kEvasion},
    {"BoundaryAttack", kEvasion},
    {"BrendelBethgeAttack", kEvasion},
    {"CarliniL0Method", kEvasion},
    {"CarliniL2Method", kEvasion},
    {"CarliniLInfMethod", kEvasion},
    {"CarliniWagnerASR", kEvasion},
    {"CompositeAdversarialAttackPyTorch", kEvasion},
    {"DecisionTreeAttack", kEvasion},
    {"DeepFool", kEvasion},
    {"DPatch", kEvasion},
    {"ElasticNet", kEvasion},
    {"FastGradientMethod", kEvasion},
    {"FeatureAdversariesNumpy", kEvasion},
    {"FeatureAdversariesPyTorch", kEvasion},
    {"FeatureAdversariesTensorFlowV2", kEvasion},
    {"FrameSaliencyAttack", kEvasion},
    {"GeoDA", kEvasion},
    {"GRAPHITEBlackbox", kEvasion},
    {"GRAPHITEWhiteboxPyTorch", kEvasion},
    {"HighConfidenceLowUncertainty", kEvasion},
    {"HopSkipJump", kEvasion},
    {"ImperceptibleASR", kEvasion},
    {"ImperceptibleASRPyTorch", kEvasion},
    {"LaserAttack", kEvasion},
    {"LowProFool", kEvasion},
    {"MalwareGDTensorFlow", kEvasion},
    {"MomentumIterativeMethod", kEvasion},
    {"NewtonFool", kEvasion},
    {"OverTheAirFlickeringPyTorch", kEvasion},
    {"PatchFoolPyTorch", kEvasion},
    {"PixelAttack", kEvasion},
    {"ProjectedGradientDescent", kEvasion},
    {"ProjectedGradientDescentNumpy", kEvasion},
    {"ProjectedGradientDescentPyTorch", kEvasion},
    {"ProjectedGradientDescentTensorFlowV2", kEvasion},
    {"RobustDPatch", kEvasion},
    {"SaliencyMapMethod", kEvasion},
    {"ShadowAttack", kEvasion},
    {"ShapeShifter", kEvasion},
    {"SignOPTAttack", kEvasion},
    {"SimBA", kEvasion},
    {"SpatialTransformation", kEvasion},
    {"SquareAttack", kEvasion},
    {"TargetedUniversalPerturbation", kEvasion},
    {"ThresholdAttack", kEvasion},
    {"UniversalPerturbation", kEvasion},
    {"VirtualAdversarialMethod", kEvasion},
    {"Wasserstein", kEvasion},
    {"ZooAttack", kEvasion},
    // art.attacks.poisoning
    {"BackdoorAttackDGMReDTensorFlowV2", kPoisoning},
    {"BackdoorAttackDGMTrailTensorFlowV2", kPoisoning},
    {"BadDetGlobalMisclassificationAttack", kPoisoning},
    {"BadDetObjectDisappearanceAttack", kPoisoning},
    {"BadDetObjectGenerationAttack", kPoisoning},
    {"BadDetRegionalMisclassificationAttack", kPoisoning},
    {"BullseyePolytopeAttackPyTorch", kPoisoning},
    {"FeatureCollisionAttack", kPoisoning},
    {"GradientMatchingAttack", kPoisoning},
    {"HiddenTriggerBackdoor", kPoisoning},
    {"HiddenTriggerBackdoorKeras", kPoisoning},
    {"HiddenTriggerBackdoorPyTorch", kPoisoning},
    {"PoisoningAttackAdversarialEmbedding", kPoisoning},
    {"PoisoningAttackBackdoor", kPoisoning},
    {"PoisoningAttackCleanLabelBackdoor", kPoisoning},
    {"PoisoningAttackSVM", kPoisoning},
    {"SleeperAgentAttack", kPoisoning},
    // art.attacks.extraction
    {"CopycatCNN", kExtraction},
    {"FunctionallyEquivalentExtraction", kExtraction},
    {"KnockoffNets", kExtraction},
    // art.attacks.inference.membership_inference
    {"LabelOnlyDecisionBoundary", kMembership},
    {"LabelOnlyGapAttack", kMembership},
    {"MembershipInferenceBlackBox", kMembership},
    {"MembershipInferenceBlackBoxRuleBased", kMembership},
    {"MembershipInferenceBlindMI", kMembership},
    {"MembershipInferenceWhiteBox", kMembership},
    // art.attacks.inference.attribute_inference
    {"AttributeInferenceBaseline", kAttribute},
    {"AttributeInferenceBaselineTrueLabel", kAttribute},
    {"AttributeInferenceBlackBox", kAttribute},
    {"AttributeInferenceMembership", kAttribute},
    {"AttributeInferenceWhiteBoxDecisionTree", kAttribute},
    {"AttributeInferenceWhiteBoxLifestyleDecisionTree", kAttribute},
    // art.attacks.inference.model_inversion
    {"MIFace", kInversion},
    // art.attacks.inference.reconstruction
    {"DatabaseReconstruction", kReconstruction},
};

constexpr std::string_view kCategories[] = {"evasion", "poisoning", "extraction", "inference"};

bool IsCategory(std::string_view s) {
  return std::find(std::begin(kCategories), std::end(kCategories), s) != std::end(kCategories);
}

std::string ArtDocsUrl(const std::string& category, const std::string& subcategory) {
  std::string page = category;
  if (category == "inference" && !subcategory.empty()) page += "/" + subcategory;
  return "https://adversarial-robustness-toolbox.readthedocs.io/en/latest/modules/attacks/" + page + ".html";
}

// printf("%.6g"): to_chars with the general format and precision 6 is specified to produce
// exactly that, without printf's format parsing (every metric and parameter is formatted).
std::string Number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, 6);
  if (r.ec != std::errc()) {
    std::snprintf(buf, sizeof(buf), "%.6g", v);
    return buf;
  }
  return std::string(buf, r.ptr);
}

// A scalar JSON value as text ("0.03", "true", "inf"); arrays and objects as "[...]" / "{...}".
std::string Scalar(simdjson::dom::element el) {
  std::string_view sv;
  double d = 0;
  int64_t i = 0;
  bool b = false;
  if (el.get_string().get(sv) == simdjson::SUCCESS) return std::string(sv);
  if (el.get_int64().get(i) == simdjson::SUCCESS) return std::to_string(i);
  if (el.get_double().get(d) == simdjson::SUCCESS) return Number(d);
  if (el.get_bool().get(b) == simdjson::SUCCESS) return b ? "true" : "false";
  if (el.is_null()) return "None";
  return el.is_array() ? "[...]" : "{...}";
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// Rewrites the fields of errors [from, end) as "<prefix><field>".
void PrefixFields(std::vector<ParseError>& errors, size_t from, const std::string& prefix) {
  for (size_t i = from; i < errors.size(); ++i) {
    errors[i].field = prefix + errors[i].field;
  }
}

}  // namespace

std::optional<ArtAttackClass> ArtAttackCategory(std::string_view attack) {
  std::string_view name = attack;
  if (const size_t dot = attack.rfind('.'); dot != std::string_view::npos) name = attack.substr(dot + 1);
  std::optional<ArtAttackClass> by_name;
  for (const KnownAttack& k : kKnownAttacks) {
    if (k.name == name) by_name = k.cls;
  }
  constexpr std::string_view kRoot = "art.attacks.";
  if (attack.substr(0, kRoot.size()) == kRoot) {
    std::string_view rest = attack.substr(kRoot.size());
    const size_t dot = rest.find('.');
    if (dot != std::string_view::npos) {
      const std::string_view category = rest.substr(0, dot);
      for (std::string_view c : kCategories) {
        if (c != category) continue;
        ArtAttackClass cls{c, ""};
        if (c == "inference") {
          rest = rest.substr(dot + 1);
          const size_t sub_dot = rest.find('.');
          const std::string_view sub = sub_dot == std::string_view::npos ? "" : rest.substr(0, sub_dot);
          for (ArtAttackClass known : {kMembership, kAttribute, kInversion, kReconstruction}) {
            if (known.subcategory == sub) cls.subcategory = known.subcategory;
          }
          if (cls.subcategory.empty() && by_name && by_name->category == c) cls.subcategory = by_name->subcategory;
        }
        return cls;
      }
    }
  }
  return by_name;
}

bool IsArtRunDocument(simdjson::dom::object record) {
  simdjson::dom::element el;
  return record["attacks"].get(el) == simdjson::SUCCESS;
}

void ArtRunCollector::Add(simdjson::dom::object run, long index, ParsedBatch& out) {
  const std::string doc_prefix = index > 0 ? "[" + std::to_string(index) + "]." : "";
  RecordReader doc(run, index, out.errors);
  const size_t doc_errors = out.errors.size();
  RunInfo info;
  info.art_version = doc.StringOr("art_version", "");
  info.run_id = doc.StringOr("run_id", "");
  info.dataset = doc.StringOr("dataset", "");
  std::vector<std::string> run_defenses = doc.StringList("defenses").value_or(std::vector<std::string>{});
  std::optional<std::string> model;
  if (auto model_el = doc.Raw("model")) {
    std::string_view sv;
    simdjson::dom::object mobj;
    if (model_el->get_string().get(sv) == simdjson::SUCCESS) {
      if (sv.empty()) {
        doc.AddError("model", "required field is empty");
      } else {
        model = std::string(sv);
      }
    } else if (model_el->get_object().get(mobj) == simdjson::SUCCESS) {
      RecordReader m(mobj, index, out.errors);
      const size_t before = out.errors.size();
      model = m.String("name", true);
      info.framework = m.StringOr("framework", "");
      info.estimator = m.StringOr("estimator", "");
      PrefixFields(out.errors, before, "model.");
      if (!m.ok()) model.reset();
    } else {
      doc.AddError("model", std::string("expected an object {\"name\": ...} or a string, got ") +
                                std::string(JsonTypeName(model_el->type())));
    }
  } else {
    doc.AddError("model", "required field is missing");
  }
  simdjson::dom::array attacks;
  auto attacks_el = doc.Raw("attacks");
  const bool have_attacks = attacks_el && attacks_el->get_array().get(attacks) == simdjson::SUCCESS;
  if (!have_attacks) {
    doc.AddError("attacks", std::string("expected an array, got ") +
                                std::string(attacks_el ? JsonTypeName(attacks_el->type()) : "null"));
  }
  PrefixFields(out.errors, doc_errors, doc_prefix);
  // The run document was counted once as a record; its attacks are the records.
  if (have_attacks) out.received = out.received + attacks.size() - 1;
  if (!model || !have_attacks || !doc.ok() || out.errors.size() > doc_errors) return;

  long j = 0;
  for (simdjson::dom::element el : attacks) {
    const long attack_index = j++;
    // Only errors name the attack's path: built when one is reported.
    const auto prefix = [&] { return doc_prefix + "attacks[" + std::to_string(attack_index) + "]."; };
    const size_t before = out.errors.size();
    simdjson::dom::object aobj;
    if (el.get_object().get(aobj) != simdjson::SUCCESS) {
      out.errors.push_back({attack_index, doc_prefix + "attacks[" + std::to_string(attack_index) + "]",
                            std::string("expected a JSON object, got ") + std::string(JsonTypeName(el.type()))});
      continue;
    }
    RecordReader a(aobj, attack_index, out.errors);
    auto attack = a.String("attack", true);
    auto category = a.String("category");
    auto metrics = a.Object("metrics");
    auto params = a.Object("params");
    Attack rec;
    rec.defense = a.StringOr("recommended_defense", "");
    rec.description = a.StringOr("description", "");
    rec.defenses_applied = a.StringList("defenses").value_or(std::vector<std::string>{});
    if (!a.ok()) {
      PrefixFields(out.errors, before, prefix());
      continue;
    }
    std::optional<ArtAttackClass> cls;
    if (category) {
      if (!IsCategory(*category)) {
        a.AddError("category", "unknown attack category '" + *category +
                                   "' (expected evasion, poisoning, extraction or inference)");
      } else {
        cls = ArtAttackCategory(*attack);
        if (!cls || cls->category != *category) cls = ArtAttackClass{};
        for (std::string_view c : kCategories) {
          if (c == *category) cls->category = c;
        }
      }
    } else {
      cls = ArtAttackCategory(*attack);
      if (!cls) {
        a.AddError("attack", "unknown ART attack class '" + *attack +
                                 "': give its module path (art.attacks.<category>....) or a \"category\"");
      }
    }
    if (!metrics) a.AddError("metrics", "required field is missing");
    if (!a.ok()) {
      PrefixFields(out.errors, before, prefix());
      continue;
    }
    RecordReader m(*metrics, attack_index, out.errors);
    auto success = m.Number("success_rate", false, 0.0, 1.0);
    auto clean = m.Number("clean_accuracy", false, 0.0, 1.0);
    auto adversarial = m.Number("adversarial_accuracy", false, 0.0, 1.0);
    if (m.ok() && !success) {
      if (!clean || !adversarial) {
        m.AddError("success_rate",
                   "required: success_rate, or clean_accuracy and adversarial_accuracy to derive it");
      } else if (!(*clean > 0)) {
        m.AddError("clean_accuracy", "is 0: the success rate 1 - adversarial_accuracy / clean_accuracy is undefined");
      }
    }
    if (!m.ok()) {
      PrefixFields(out.errors, before, prefix() + "metrics.");
      continue;
    }
    // "key=value, ..." appended in place (every attack has them).
    const auto append_pair = [](std::string& to, std::string_view key, const std::string& value) {
      if (!to.empty()) to.append(", ");
      to.append(key).append("=").append(value);
    };
    if (clean) append_pair(rec.metrics, "clean_accuracy", Number(*clean));
    if (adversarial) append_pair(rec.metrics, "adversarial_accuracy", Number(*adversarial));
    for (auto field : *metrics) {
      if (field.key == "success_rate" || field.key == "clean_accuracy" || field.key == "adversarial_accuracy") continue;
      append_pair(rec.metrics, field.key, Scalar(field.value));
    }
    if (success) {
      rec.rate = *success;
      rec.rate_source = "";
    } else {
      rec.rate = std::clamp(1.0 - *adversarial / *clean, 0.0, 1.0);
      rec.rate_source = "derived as 1 - adversarial_accuracy / clean_accuracy";
    }
    if (params) {
      for (auto field : *params) append_pair(rec.params, field.key, Scalar(field.value));
    }
    const size_t dot = attack->rfind('.');
    rec.name = dot == std::string::npos ? *attack : attack->substr(dot + 1);
    if (dot != std::string::npos) rec.path = *attack;
    for (const auto& d : run_defenses) {
      if (std::find(rec.defenses_applied.begin(), rec.defenses_applied.end(), d) == rec.defenses_applied.end()) {
        rec.defenses_applied.insert(rec.defenses_applied.begin(), d);
      }
    }

    const std::string cat(cls->category);
    auto [it, inserted] = index_.try_emplace({cat, *model}, groups_.size());
    if (inserted) groups_.push_back(Group{cat, std::string(cls->subcategory), *model, info, {}});
    Group& g = groups_[it->second];
    if (g.subcategory.empty()) g.subcategory = std::string(cls->subcategory);
    g.attacks.push_back(std::move(rec));
  }
}

void ArtRunCollector::Emit(const ParseContext& ctx, ParsedBatch& out) const {
  for (const Group& g : groups_) {
    const auto top = std::max_element(g.attacks.begin(), g.attacks.end(),
                                      [](const Attack& x, const Attack& y) { return x.rate < y.rate; });
    ArtFinding f;
    f.attack_type = g.category;
    f.model = g.model;
    f.success_rate = top->rate;

    std::string header = "IBM ART";
    if (!g.run.art_version.empty()) header += " " + g.run.art_version;
    if (!g.run.run_id.empty()) header += " run " + g.run.run_id;
    header += " on " + g.model;
    std::vector<std::string> model_info;
    if (!g.run.framework.empty()) model_info.push_back(g.run.framework);
    if (!g.run.estimator.empty()) model_info.push_back(g.run.estimator);
    if (!g.run.dataset.empty()) model_info.push_back("dataset " + g.run.dataset);
    if (!model_info.empty()) header += " (" + Join(model_info, ", ") + ")";
    std::string text = header + ": " + std::to_string(g.attacks.size()) + " " + g.category +
                       (g.attacks.size() == 1 ? " attack" : " attacks");
    if (g.attacks.size() > 1) text += "; the exposure takes the highest success rate (" + top->name + ")";
    text += ".";
    std::vector<std::string> remediation;
    std::vector<std::string> defenses;
    // One sentence per attack, appended in place.
    for (const Attack& a : g.attacks) {
      text.append(" ").append(a.name);
      if (!a.params.empty()) text.append(" (").append(a.params).append(")");
      text.append(": success rate ").append(PyFixed2(a.rate));
      if (!a.rate_source.empty() || !a.metrics.empty()) {
        text.append(" (").append(a.rate_source);
        if (!a.rate_source.empty() && !a.metrics.empty()) text.append("; ");
        text.append(a.metrics).append(")");
      }
      text.append(".");
      if (!a.description.empty()) text.append(" ").append(a.description);
      if (!text.empty() && text.back() != '.') text += ".";
      AddUnique(remediation, a.defense);
      for (const auto& d : a.defenses_applied) AddUnique(defenses, d);
    }
    if (!defenses.empty()) text += " Defences in place during the test: " + Join(defenses, ", ") + ".";
    f.description = std::move(text);
    f.remediation = Join(remediation, "; ");
    f.reference_urls.push_back(ArtDocsUrl(g.category, g.subcategory));
    out.exposures.push_back(BuildArtExposure(std::move(f), ctx));
  }
}

}  // namespace ctem::parsers
