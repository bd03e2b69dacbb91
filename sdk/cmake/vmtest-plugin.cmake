# vmtest_add_plugin(<target> <sources>...): a vmtest plugin shared object.
# Only `vmtest_plugin_entry` is exported; everything else stays hidden so two
# plugins can carry different copies of the same library without clashing.
function(vmtest_add_plugin target)
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE vmtest::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX "" CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
endfunction()
