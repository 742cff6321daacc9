# wharf_add_test(NAME <name> SOURCES <files...> LIBS <libs...> [LABELS <labels...>] [TIMEOUT <s>])
# Adds a GoogleTest executable and registers its cases with CTest. Unit tests
# carry the label "unit"; tests that start processes or a local cloud carry
# "integration".
function(wharf_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  # Where tests find the repository (config files) and the built binaries.
  target_compile_definitions(${T_NAME} PRIVATE
    WHARF_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}" WHARF_TEST_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  gtest_discover_tests(${T_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()
include(GoogleTest)
