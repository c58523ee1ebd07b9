// The source registry: every parser by canonical name, plus aliases. Parsers are listed
// here explicitly rather than self-registering from static initialisers, which a static
// library would silently drop at link time.
#include <algorithm>
#include <cctype>
#include <memory>
#include <utility>
#include <vector>

#include "parsers/burp.h"
#include "parsers/custom.h"
#include "parsers/parser.h"
#include "parsers/seed_parsers.h"

namespace ctem::parsers {
namespace {

struct Registry {
  std::vector<std::unique_ptr<SourceParser>> parsers;
  std::vector<std::pair<std::string, std::string>> aliases;  // alias -> canonical

  Registry() {
    parsers.push_back(MakeWizParser());
    parsers.push_back(MakeSnykParser());
    parsers.push_back(MakeGarakParser());
    parsers.push_back(MakeArtParser());
    parsers.push_back(MakeValidationParser());
    parsers.push_back(MakeRemediationParser());
    parsers.push_back(MakeBurpParser());
    parsers.push_back(MakeCustomParser());
    aliases = {{"art", "ibm_art"}, {"ibm-art", "ibm_art"}, {"red_team", "validation"}};
  }
};

const Registry& GetRegistry() {
  static const Registry registry;
  return registry;
}

}  // namespace

const SourceParser* FindParser(std::string_view source) {
  std::string name(source);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const Registry& reg = GetRegistry();
  for (const auto& [alias, canonical] : reg.aliases) {
    if (alias == name) name = canonical;
  }
  for (const auto& p : reg.parsers) {
    if (p->Name() == name) return p.get();
  }
  return nullptr;
}

std::vector<std::string> SourceNames() {
  std::vector<std::string> names;
  for (const auto& p : GetRegistry().parsers) names.emplace_back(p->Name());
  return names;
}

}  // namespace ctem::parsers
