# veille_module(NAME [DEPS module...] [LIBS target...])
#
# Declares the pipeline stage NAME: a static library veille_NAME built from
# src/NAME/*.cc, linked to the stages in DEPS and the external LIBS, and a
# test executable test_NAME built from tests/NAME/*_test.cc when that folder
# has tests. Tests run with the working directory set to the source tree so
# that golden files under tests/data/ are found by relative path.
function(veille_module name)
  cmake_parse_arguments(M "" "" "DEPS;LIBS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cc)
  if(NOT srcs)
    message(WARNING "stage ${name}: no sources in src/${name}/, skipped")
    return()
  endif()
  add_library(veille_${name} STATIC ${srcs})
  target_include_directories(veille_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                            PRIVATE ${PROJECT_SOURCE_DIR}/src ${CLD2_INCLUDE})
  target_compile_definitions(veille_${name} PRIVATE VEILLE_SOURCE_DATA_DIR="${VEILLE_SOURCE_DATA_DIR}")
  foreach(dep ${M_DEPS})
    target_link_libraries(veille_${name} PUBLIC veille_${dep})
  endforeach()
  target_link_libraries(veille_${name} PUBLIC ${M_LIBS} Threads::Threads)

  file(GLOB tests CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${name}/*_test.cc)
  if(tests)
    add_executable(test_${name} ${tests})
    target_link_libraries(test_${name} PRIVATE veille_${name} GTest::gtest GTest::gtest_main)
    target_include_directories(test_${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
    target_compile_definitions(test_${name} PRIVATE VEILLE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    add_test(NAME ${name} COMMAND test_${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "VEILLE_DATA_DIR=${VEILLE_SOURCE_DATA_DIR}")
  endif()
endfunction()
