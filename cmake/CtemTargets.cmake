# Helpers that give every first-party target the same warnings-as-errors policy.
# Third-party headers are included as SYSTEM so their warnings do not fail our build.

set(CTEM_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    -Werror)
# GCC 12 at -O3 (Release) reports -Wrestrict on ordinary std::string concatenation inside
# libstdc++ (GCC bug 105329, fixed in 13): a false positive, so off for that compiler only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND CTEM_WARNINGS -Wno-restrict)
endif()

function(ctem_apply_warnings target)
  target_compile_options(${target} PRIVATE ${CTEM_WARNINGS})
endfunction()

# ctem_library(NAME SOURCES... [DEPS ...]) — one library per src/ folder.
function(ctem_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  ctem_apply_warnings(${name})
endfunction()

# ctem_embed_files(OUT_VAR NAMESPACE FILES...) — turns text files (SQL migrations,
# demo graph, web assets) into a generated .cc with one std::string_view each, so the
# binary needs no data files at run time. A file is named by its base name, or by NAME
# when given as NAME=/ABSOLUTE/PATH (the dashboard keeps its relative paths: "views/triage.js").
function(ctem_embed_files out_var symbol)
  set(gen "${CMAKE_CURRENT_BINARY_DIR}/${symbol}_embedded.cc")
  set(script "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake")
  set(paths "")
  foreach(entry IN LISTS ARGN)
    string(REGEX REPLACE "^[^=/][^=]*=/" "/" path "${entry}")
    list(APPEND paths "${path}")
  endforeach()
  # '|' separates the files: a ';' list would be split into separate arguments.
  string(REPLACE ";" "|" files_arg "${ARGN}")
  add_custom_command(
    OUTPUT "${gen}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${gen} -DSYMBOL=${symbol} "-DFILES=${files_arg}" -P ${script}
    DEPENDS ${paths} ${script}
    COMMENT "Embedding ${symbol}"
    VERBATIM)
  set(${out_var} "${gen}" PARENT_SCOPE)
endfunction()
