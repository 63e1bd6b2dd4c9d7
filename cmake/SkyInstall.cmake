# Installs and exports only sky_types and sky_planner, so that embedders can
# find_package(skyplanner) and link sky::planner with only GLPK beside it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Exported as sky::types and sky::planner (the same names as the in-tree aliases).
set_target_properties(sky_types PROPERTIES EXPORT_NAME types)
set_target_properties(sky_planner PROPERTIES EXPORT_NAME planner)
install(TARGETS sky_types sky_planner EXPORT skyplannerTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/catalog/types/include/ ${PROJECT_SOURCE_DIR}/planner/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT skyplannerTargets NAMESPACE sky::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/skyplanner)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/skyplannerConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/skyplannerConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/skyplanner)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/skyplannerConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/skyplannerConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/skyplannerConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/FindGLPK.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/skyplanner)
