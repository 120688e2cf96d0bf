#pragma once

#include <QtGlobal>

// What the tests read of another process (a cometd-node they started) from /proc.

// Resident memory in KiB; -1 when unreadable.
qint64 residentKiB(qint64 pid);

// Whether resident-memory bounds mean anything in this build: under AddressSanitizer freed memory
// waits in a quarantine and every allocation carries redzones, so a bound measured on a normal
// build does not hold. The tests still run what they do; only the comparison is left out.
constexpr bool memoryBoundsApply()
{
#if defined(__SANITIZE_ADDRESS__)
    return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return false;
#else
    return true;
#endif
#else
    return true;
#endif
}

// How much longer a time bound taken from the SPEC (a node down within 3 s, the cluster whole
// again within 2 s) may take in this build: the processes under test are sanitized too, and run
// several times slower. A normal build checks the SPEC's figure itself.
constexpr int timeBoundScale()
{
    return memoryBoundsApply() ? 1 : 3;
}
