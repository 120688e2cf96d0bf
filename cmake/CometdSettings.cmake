# One INTERFACE target carrying the language standard, warnings and Qt safety defines that every
# target of the project links. Third-party code never links it.
add_library(cometd_settings INTERFACE)
target_compile_features(cometd_settings INTERFACE cxx_std_20)
target_compile_options(cometd_settings INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Werror -Wno-error=deprecated-declarations>)
target_compile_definitions(cometd_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_USE_QSTRINGBUILDER
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_CAST_FROM_BYTEARRAY)

option(COMETD_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(COMETD_SANITIZE)
    target_compile_options(cometd_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(cometd_settings INTERFACE -fsanitize=address,undefined)
endif()
