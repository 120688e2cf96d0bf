#pragma once

#include <QLatin1StringView>

// The names of cometd-stress's own formats: the test XML (from the original eXo test) and the
// --json report. Wire names of the server's API come from wire.h.
namespace StressNames {

namespace Xml {
inline constexpr QLatin1StringView Configuration { "configuration" };
inline constexpr QLatin1StringView Clients { "clients" };
inline constexpr QLatin1StringView Repeat { "repeat" };
inline constexpr QLatin1StringView SleepConnection { "sleep-connection" };
inline constexpr QLatin1StringView SleepSending { "sleep-sending" };
inline constexpr QLatin1StringView Container { "container" };
inline constexpr QLatin1StringView ContainerStart { "containerStart" };
inline constexpr QLatin1StringView Port { "port" };
inline constexpr QLatin1StringView Home { "home" };
inline constexpr QLatin1StringView Messages { "messages" };
inline constexpr QLatin1StringView Message { "message" };
inline constexpr QLatin1StringView Broadcast { "broadcast" };
inline constexpr QLatin1StringView Id { "id" };
inline constexpr QLatin1StringView CometdUrl { "cometd-url" };
inline constexpr QLatin1StringView BaseUrl { "base-url" };
inline constexpr QLatin1StringView Channels { "channels" };
inline constexpr QLatin1StringView Channel { "channel" };
inline constexpr QLatin1StringView True { "true" };
inline constexpr QLatin1StringView False { "false" };
} // namespace Xml

namespace Json {
inline constexpr QLatin1StringView Passed { "passed" };
inline constexpr QLatin1StringView Clients { "clients" };
inline constexpr QLatin1StringView ClientsConnected { "clientsConnected" };
inline constexpr QLatin1StringView Expected { "expected" };
inline constexpr QLatin1StringView TotalReceived { "totalReceived" };
inline constexpr QLatin1StringView Delivered { "delivered" };
inline constexpr QLatin1StringView Lost { "lost" };
inline constexpr QLatin1StringView Duplicated { "duplicated" };
inline constexpr QLatin1StringView Redelivered { "redelivered" };
inline constexpr QLatin1StringView Wrong { "wrong" };
inline constexpr QLatin1StringView SendRequests { "sendRequests" };
inline constexpr QLatin1StringView SendErrors { "sendErrors" };
inline constexpr QLatin1StringView SendRetries { "sendRetries" };
inline constexpr QLatin1StringView Resent { "resent" };
inline constexpr QLatin1StringView Failover { "failover" };
inline constexpr QLatin1StringView Transport { "transport" };
inline constexpr QLatin1StringView LatencyMs { "latencyMs" };
inline constexpr QLatin1StringView Min { "min" };
inline constexpr QLatin1StringView P50 { "p50" };
inline constexpr QLatin1StringView P90 { "p90" };
inline constexpr QLatin1StringView P99 { "p99" };
inline constexpr QLatin1StringView Max { "max" };
inline constexpr QLatin1StringView Histogram { "histogram" };
inline constexpr QLatin1StringView UpToMs { "upToMs" };
inline constexpr QLatin1StringView Count { "count" };
inline constexpr QLatin1StringView CpuSeconds { "cpuSeconds" };
inline constexpr QLatin1StringView CpuMicrosPerDelivery { "cpuMicrosPerDelivery" };
inline constexpr QLatin1StringView ConnectCpuSeconds { "connectCpuSeconds" };
inline constexpr QLatin1StringView DeliveryCpuSeconds { "deliveryCpuSeconds" };
inline constexpr QLatin1StringView DeliverySeconds { "deliverySeconds" };
inline constexpr QLatin1StringView DeliveryReceived { "deliveryReceived" };
inline constexpr QLatin1StringView DeliveriesPerSecond { "deliveriesPerSecond" };
inline constexpr QLatin1StringView DurationSeconds { "durationSeconds" };
inline constexpr QLatin1StringView Errors { "errors" };
inline constexpr QLatin1StringView Unsent { "unsent" };
inline constexpr QLatin1StringView UnsentReasons { "unsentReasons" };
inline constexpr QLatin1StringView ConnectFailures { "connectFailures" };
inline constexpr QLatin1StringView Reason { "reason" };
inline constexpr QLatin1StringView First { "first" };
inline constexpr QLatin1StringView Foreign { "foreign" };
inline constexpr QLatin1StringView Strict { "strict" };
inline constexpr QLatin1StringView Anomalies { "anomalies" };
inline constexpr QLatin1StringView Kind { "kind" };
inline constexpr QLatin1StringView Client { "client" };
inline constexpr QLatin1StringView Channel { "channel" };
inline constexpr QLatin1StringView Id { "id" };
inline constexpr QLatin1StringView Came { "came" };
} // namespace Json

} // namespace StressNames
