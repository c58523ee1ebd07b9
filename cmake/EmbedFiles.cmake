# Generates OUT: a C++ source defining
#   const std::vector<std::pair<std::string_view, std::string_view>>& SYMBOL();
# that maps each file's base name to its bytes.
set(body "#include <string_view>\n#include <utility>\n#include <vector>\n")
string(APPEND body "namespace ctem::embedded {\n")
set(entries "")
set(i 0)
foreach(f IN LISTS FILES)
  file(READ "${f}" content HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," content "${content}")
  get_filename_component(name "${f}" NAME)
  string(APPEND body "static const char k${SYMBOL}_${i}[] = {${content} '\\0'};\n")
  string(APPEND entries "    {\"${name}\", std::string_view(k${SYMBOL}_${i}, sizeof(k${SYMBOL}_${i}) - 1)},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "const std::vector<std::pair<std::string_view, std::string_view>>& ${SYMBOL}() {\n")
string(APPEND body "  static const std::vector<std::pair<std::string_view, std::string_view>> files = {\n${entries}  };\n  return files;\n}\n")
string(APPEND body "}  // namespace ctem::embedded\n")
file(WRITE "${OUT}" "${body}")
