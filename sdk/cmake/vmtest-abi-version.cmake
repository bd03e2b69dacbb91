# vmtest_read_abi_version(<plugin.h> <out-var>): "MAJOR.MINOR.0" from the
# VMTEST_ABI_MAJOR and VMTEST_ABI_MINOR #defines, the one place the SDK's
# version is written. Fails the configure step when either is missing, so a
# reworded header cannot silently version the package wrongly.
function(vmtest_read_abi_version header out_var)
  foreach(part MAJOR MINOR)
    file(STRINGS ${header} line REGEX "^#define VMTEST_ABI_${part} +[0-9]+ *$")
    if(NOT line MATCHES "^#define VMTEST_ABI_${part} +([0-9]+)")
      message(FATAL_ERROR "${header}: no '#define VMTEST_ABI_${part} <number>' line")
    endif()
    set(${part} ${CMAKE_MATCH_1})
  endforeach()
  set(${out_var} "${MAJOR}.${MINOR}.0" PARENT_SCOPE)
endfunction()
