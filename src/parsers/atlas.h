// The MITRE ATLAS catalog (ATLAS 5.6, data/atlas/ATLAS.yaml, embedded in the binary) and the
// mapping from the seed's technique IDs to official ATLAS techniques.
//
// The seed keys runtime alerts, detection rules and the coverage matrix on its own technique
// IDs, so Exposure::atlas_technique keeps them exactly. Some of them are not ATLAS IDs
// (AML.T0044.001, AML.T0035.001, AML.T0035.002) and some name a different technique than the
// seed means (the seed's AML.T0024 "Infer Training Data Membership" is AML.T0024.000 in
// ATLAS). MapSeedTechnique gives the official technique each seed ID stands for;
// docs/formats/atlas.md lists every mapping and why.
//
// Thread-safety: the catalog is parsed once, on first use, under a function-local static
// (thread-safe initialisation); afterwards it is immutable and every function is safe to call
// from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ctem::parsers {

struct AtlasTactic {
  std::string id;    // "AML.TA0000"
  std::string name;  // "AI Model Access"
};

struct AtlasTechnique {
  std::string id;         // "AML.T0024.002"
  std::string name;       // "Extract AI Model"
  std::string parent_id;  // "AML.T0024" for a sub-technique, else empty
  // The tactics the technique serves (a sub-technique inherits its parent's), in the
  // catalog's order.
  std::vector<AtlasTactic> tactics;
};

// How a seed ID relates to ATLAS.
enum class AtlasMatch {
  kExact,        // the ID is an ATLAS technique and means what the seed means
  kLoose,        // the ID exists in ATLAS, but the seed means another (usually more specific)
                 // technique; official_id names that one
  kNonStandard,  // the ID does not exist in ATLAS; official_id names the closest technique,
                 // or is empty when there is none
};
std::string_view AtlasMatchName(AtlasMatch m);  // "exact", "loose", "non_standard"

struct AtlasMapping {
  std::string seed_id;        // as given
  std::string official_id;    // empty when nothing corresponds
  std::string official_name;  // the official name of official_id
  AtlasMatch match = AtlasMatch::kNonStandard;
  std::string note;  // why, for loose and non-standard mappings
};

// The catalog's version ("5.6.0").
std::string_view AtlasVersion();
// Every technique and sub-technique of the catalog, in its order.
const std::vector<AtlasTechnique>& AtlasTechniques();
// A technique by ID (exact, case-sensitive "AML.Txxxx[.yyy]"); nullopt when ATLAS has none.
std::optional<AtlasTechnique> FindAtlasTechnique(std::string_view id);

// The official technique a seed ID stands for. `source_tool` disambiguates the one seed ID
// whose meaning depends on who emits it: the seed's IBM ART normaliser uses AML.T0044 for
// model *extraction* attacks (AML.T0024.002 in ATLAS), while the coverage matrix uses it for
// "Full ML Model Access" (AML.T0044 itself). An ID the table does not list is exact when it
// exists in ATLAS and non-standard (no official technique) when it does not.
AtlasMapping MapSeedTechnique(std::string_view seed_id, std::string_view source_tool = {});
// MapSeedTechnique(...).official_id's technique without building the mapping (its note and
// copies): every parsed exposure with a technique asks, so this is on the parse hot path.
// nullptr when nothing corresponds. Points into the immutable catalog.
const AtlasTechnique* OfficialAtlasTechnique(std::string_view seed_id, std::string_view source_tool = {});

// The seed IDs with a documented (loose or non-standard) mapping, in table order; for docs
// and tests.
std::vector<std::string> DocumentedSeedTechniques();

}  // namespace ctem::parsers
