# vmtest_add_plugin(<target> <sources>...): a vmtest plugin shared object.
# Only `vmtest_plugin_entry` is exported; everything else stays local, so
# two plugins can carry different copies of the same library (a static
# library they link, libstdc++'s inline code) without clashing, and a
# plugin's internals are no part of its interface. Compiling with hidden
# visibility is not enough for that: code from static libraries built
# without it, and the typeinfo and inline statics the C++ headers declare
# with default visibility, would still be exported. A linker version script
# makes the rule hold whatever the plugin links.
function(vmtest_add_plugin target)
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE vmtest::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX "" CXX_VISIBILITY_PRESET hidden C_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  set(exports ${CMAKE_BINARY_DIR}/vmtest-plugin-exports.map)
  file(CONFIGURE OUTPUT ${exports} CONTENT "{\n  global: vmtest_plugin_entry;\n  local: *;\n};\n")
  target_link_options(${target} PRIVATE "LINKER:--version-script=${exports}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${exports})
  # Every plugin this project builds, for checks over all of them.
  set_property(GLOBAL APPEND PROPERTY VMTEST_PLUGIN_TARGETS ${target})
endfunction()
