# Included from tests/bench/CMakeLists.txt. Cost of one event-loop iteration with N idle sockets,
# on Qt's dispatcher or the epoll one; run it with eventloop/run-eventloop-bench.sh. Not a test.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    add_executable(bench-eventloop ${CMAKE_CURRENT_LIST_DIR}/eventloop/main.cpp)
    target_link_libraries(bench-eventloop PRIVATE cometd_settings cometd_eventdispatcher Qt6::Core Qt6::Network)
endif()
