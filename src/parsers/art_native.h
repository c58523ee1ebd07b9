// IBM Adversarial Robustness Toolbox run documents (issue 5). ART has no report format of its
// own, so we define one (docs/formats/ibm_art.md): a JSON object with a "model" and a list of
// "attacks", each naming ART's attack class (or its full module path) with its metrics:
//
//   {"art_version": "1.17.1", "model": {"name": "defect-vision-v3", "framework": "pytorch"},
//    "attacks": [{"attack": "ProjectedGradientDescent", "params": {"eps": 0.03},
//                 "metrics": {"success_rate": 0.82}, "recommended_defense": "..."}]}
//
// The attack category (evasion, poisoning, extraction, inference) comes from the class; one
// exposure per (category, model) with the highest success rate, scored and keyed exactly as the
// seed's ARTNormaliser (key sha256("IBM_ART:<category>:<model>")).
//
// Thread-safety: ArtAttackCategory and BuildArtExposure are pure; an ArtRunCollector is used by
// one thread.
#pragma once

#include <simdjson.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/records.h"
#include "parsers/parser.h"

namespace ctem::parsers {

inline constexpr std::string_view kArtTool = "IBM_ART";

// What one ART exposure is made of, whatever the input shape.
struct ArtFinding {
  std::string attack_type;  // the seed's attack_type: evasion | poisoning | extraction | inference | other
  std::string model;
  double success_rate = 0;  // 0.0 - 1.0
  std::string description;
  std::string remediation;
  std::vector<std::string> reference_urls;
};

// The seed's ARTNormaliser: consequence, ATLAS technique and threat model from the attack type
// (ART_ATLAS_MAP / ART_TM_MAP), thresholds > 0.7 / > 0.3, weighted score, title
// "ART: <type> attack success rate NN% on <model>", key sha256("IBM_ART:<type>:<model>").
Exposure BuildArtExposure(const ArtFinding& finding, const ParseContext& ctx);
// The same, moving the finding's texts into the exposure instead of copying them.
Exposure BuildArtExposure(ArtFinding&& finding, const ParseContext& ctx);

struct ArtAttackClass {
  std::string_view category;     // evasion | poisoning | extraction | inference
  std::string_view subcategory;  // inference only: membership_inference, attribute_inference, ...
};

// The category of an ART attack given as its class name ("ProjectedGradientDescent") or a
// module path ("art.attacks.evasion.ProjectedGradientDescent",
// "art.attacks.evasion.projected_gradient_descent.projected_gradient_descent.ProjectedGradientDescent").
// A path under art.attacks.<category> decides by itself; otherwise the class name is looked up
// in the table of ART's attack classes. nullopt when neither knows it.
std::optional<ArtAttackClass> ArtAttackCategory(std::string_view attack);

// True when a JSON record is a run document (it has "attacks") rather than a seed record.
bool IsArtRunDocument(simdjson::dom::object record);

// Collects the attacks of one or more run documents, then emits one exposure per
// (category, model).
class ArtRunCollector {
 public:
  // Reads the run document `run`, record `index` of the input. Each attack counts once in
  // out.received; a rejected attack adds a ParseError with record_index = the attack's index in
  // "attacks" and field "attacks[i].<field>" (prefixed "[index]." when the run document is not
  // the first record of the input).
  void Add(simdjson::dom::object run, long index, ParsedBatch& out);
  // Appends the exposures, in order of first appearance.
  void Emit(const ParseContext& ctx, ParsedBatch& out) const;

  struct Attack {
    std::string name;  // class name as given (module path stripped)
    std::string path;  // as given, when it was a module path
    double rate = 0;
    std::string rate_source;  // how the rate was obtained, for the description
    std::string params;       // "eps=0.03, max_iter=40"
    std::string metrics;      // the other metrics, "queries=1000, samples=500"
    std::string defense;      // recommended defence
    std::vector<std::string> defenses_applied;
    std::string description;
  };
  struct RunInfo {
    std::string art_version;
    std::string run_id;
    std::string framework;
    std::string estimator;
    std::string dataset;
  };
  struct Group {
    std::string category;
    std::string subcategory;
    std::string model;
    RunInfo run;
    std::vector<Attack> attacks;
  };

 private:
  std::vector<Group> groups_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
};

}  // namespace ctem::parsers
