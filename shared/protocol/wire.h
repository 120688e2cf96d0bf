#pragma once

// Every name that crosses the wire (JSON keys, channel names, HTTP paths, headers) lives here, so
// that a reader can see the whole contract in one place (../shared/SPEC.md is its prose form).

#include <QByteArrayView>
#include <QLatin1StringView>

namespace Wire {

// Bayeux message fields (Bayeux 1.0 §5)
namespace Field {
inline constexpr QLatin1StringView Channel { "channel" };
inline constexpr QLatin1StringView ClientId { "clientId" };
inline constexpr QLatin1StringView Id { "id" };
inline constexpr QLatin1StringView Data { "data" };
inline constexpr QLatin1StringView Successful { "successful" };
inline constexpr QLatin1StringView Error { "error" };
inline constexpr QLatin1StringView Advice { "advice" };
inline constexpr QLatin1StringView Ext { "ext" };
inline constexpr QLatin1StringView Version { "version" };
inline constexpr QLatin1StringView MinimumVersion { "minimumVersion" };
inline constexpr QLatin1StringView SupportedConnectionTypes { "supportedConnectionTypes" };
inline constexpr QLatin1StringView ConnectionType { "connectionType" };
inline constexpr QLatin1StringView Subscription { "subscription" };
inline constexpr QLatin1StringView Ack { "ack" };
// eXo credentials on /meta/handshake (top level, or inside ext)
inline constexpr QLatin1StringView ExoId { "exoId" };
inline constexpr QLatin1StringView ExoToken { "exoToken" };
} // namespace Field

namespace AdviceField {
inline constexpr QLatin1StringView Reconnect { "reconnect" };
inline constexpr QLatin1StringView Interval { "interval" };
inline constexpr QLatin1StringView Timeout { "timeout" };
inline constexpr QLatin1StringView MaxInterval { "maxInterval" };
inline constexpr QLatin1StringView MultipleClients { "multiple-clients" };
inline constexpr QLatin1StringView Retry { "retry" };
inline constexpr QLatin1StringView Handshake { "handshake" };
inline constexpr QLatin1StringView None { "none" };
} // namespace AdviceField

namespace Channel {
inline constexpr QLatin1StringView Handshake { "/meta/handshake" };
inline constexpr QLatin1StringView Connect { "/meta/connect" };
inline constexpr QLatin1StringView Disconnect { "/meta/disconnect" };
inline constexpr QLatin1StringView Subscribe { "/meta/subscribe" };
inline constexpr QLatin1StringView Unsubscribe { "/meta/unsubscribe" };
inline constexpr QLatin1StringView MetaPrefix { "/meta/" };
inline constexpr QLatin1StringView ServicePrefix { "/service/" };
} // namespace Channel

namespace Transport {
inline constexpr QLatin1StringView LongPolling { "long-polling" };
inline constexpr QLatin1StringView CallbackPolling { "callback-polling" };
inline constexpr QLatin1StringView WebSocket { "websocket" };
} // namespace Transport

// Bayeux error strings: "code::text" (Bayeux 1.0 §5.12)
namespace Error {
inline constexpr QLatin1StringView InvalidToken { "403::invalid token" };
inline constexpr QLatin1StringView NodeFull { "503::node full" };
inline constexpr QLatin1StringView UnknownClient { "402::unknown client" };
inline constexpr QLatin1StringView InvalidChannel { "400::invalid channel" };
inline constexpr QLatin1StringView InvalidMessage { "400::invalid message" };
inline constexpr QLatin1StringView Forbidden { "403::forbidden" };
inline constexpr QLatin1StringView UnsupportedVersion { "400::unsupported version" };
inline constexpr QLatin1StringView UnsupportedConnectionType { "400::unsupported connection type" };
inline constexpr QLatin1StringView NotSubscribed { "404::not subscribed" };
inline constexpr QLatin1StringView UserMismatch { "403::user mismatch" };
inline constexpr QLatin1StringView TooManySubscriptions { "403::too many subscriptions" };
inline constexpr QLatin1StringView TooManySessions { "503::too many sessions" };
} // namespace Error

inline constexpr QLatin1StringView BayeuxVersion { "1.0" };
inline constexpr QByteArrayView BrowserCookie { "BAYEUX_BROWSER" };

// REST delivery API body fields (SPEC §2)
namespace Rest {
inline constexpr QLatin1StringView Channel { "channel" };
inline constexpr QLatin1StringView ExoId { "exoId" };
inline constexpr QLatin1StringView Message { "message" };
inline constexpr QLatin1StringView Id { "id" };
inline constexpr QLatin1StringView Delivered { "delivered" };
inline constexpr QLatin1StringView Error { "error" };
inline constexpr QLatin1StringView Url { "url" };
inline constexpr QLatin1StringView NodeId { "nodeId" };
} // namespace Rest

// HTTP paths (SPEC §2, §3). Every REST path answers with and without its trailing slash.
namespace Path {
inline constexpr QLatin1StringView Bayeux { "/cometd/cometd" };
inline constexpr QLatin1StringView RestPrefix { "/rest/" };
inline constexpr QLatin1StringView ContinuationPrefix { "/rest/continuation/" };
inline constexpr QLatin1StringView BalancerPrefix { "/rest/balancer/" };
inline constexpr QLatin1StringView GetToken { "gettoken" };
inline constexpr QLatin1StringView IsSubscribed { "issubscribed" };
inline constexpr QLatin1StringView HasChannel { "haschannel" };
inline constexpr QLatin1StringView SendPrivate { "sendprivatemessage" };
inline constexpr QLatin1StringView SendBroadcast { "sendbroadcastmessage" };
inline constexpr QLatin1StringView CometdUrl { "cometdurl" };
inline constexpr QLatin1StringView ReleaseCometd { "releasecometd" };
inline constexpr QLatin1StringView Metrics { "/metrics" };
inline constexpr QLatin1StringView ClusterPrefix { "/cluster/" }; // signed traffic between the cluster's processes
} // namespace Path

namespace Query {
inline constexpr QLatin1StringView Channel { "channel" };
inline constexpr QLatin1StringView Message { "message" };
inline constexpr QLatin1StringView Jsonp { "jsonp" };
} // namespace Query

// The node's JSON configuration file (SPEC §1): keys and enumerated values.
namespace Config {
inline constexpr QLatin1StringView Role { "role" };
inline constexpr QLatin1StringView Listen { "listen" };
inline constexpr QLatin1StringView NodeId { "nodeId" };
inline constexpr QLatin1StringView BalancerUrl { "balancerUrl" };
inline constexpr QLatin1StringView Secret { "secret" };
inline constexpr QLatin1StringView ApiKey { "apiKey" };
inline constexpr QLatin1StringView AdminToken { "adminToken" };
inline constexpr QLatin1StringView TokenIssue { "tokenIssue" };
inline constexpr QLatin1StringView TokenTtl { "tokenTtl" };
inline constexpr QLatin1StringView Nodes { "nodes" };
inline constexpr QLatin1StringView NodeIdField { "id" };
inline constexpr QLatin1StringView NodeUrl { "url" };
inline constexpr QLatin1StringView MaxConnection { "maxConnection" };
inline constexpr QLatin1StringView Bayeux { "bayeux" };
inline constexpr QLatin1StringView Timeout { "timeout" };
inline constexpr QLatin1StringView Interval { "interval" };
inline constexpr QLatin1StringView MaxInterval { "maxInterval" };
inline constexpr QLatin1StringView MaxMessageBytes { "maxMessageBytes" };
inline constexpr QLatin1StringView MaxSessionsPerUser { "maxSessionsPerUser" };
inline constexpr QLatin1StringView Limits { "limits" };
inline constexpr QLatin1StringView MaxConnections { "maxConnections" };
inline constexpr QLatin1StringView MaxRequestBytes { "maxRequestBytes" };
inline constexpr QLatin1StringView HeaderTimeout { "headerTimeout" };
inline constexpr QLatin1StringView IdleTimeout { "idleTimeout" };
inline constexpr QLatin1StringView MaxOutgoingBytes { "maxOutgoingBytes" };
inline constexpr QLatin1StringView Cors { "cors" };
inline constexpr QLatin1StringView Origins { "origins" };
inline constexpr QLatin1StringView Redis { "redis" }; // SPEC §6
inline constexpr QLatin1StringView RedisUrl { "url" };
inline constexpr QLatin1StringView RedisPrefix { "prefix" };
inline constexpr QLatin1StringView Sentinels { "sentinels" };
inline constexpr QLatin1StringView Master { "master" };
// values
inline constexpr QLatin1StringView RoleAll { "all" };
inline constexpr QLatin1StringView RoleBalancer { "balancer" };
inline constexpr QLatin1StringView RoleNode { "node" };
inline constexpr QLatin1StringView TokenIssueOpen { "open" };
inline constexpr QLatin1StringView TokenIssueApiKey { "apiKey" };
inline constexpr QLatin1StringView AnyOrigin { "*" };
} // namespace Config

// The original eXo kernel XML configuration: the load balancer's object-param (SPEC §1).
namespace ExoXml {
inline constexpr QLatin1StringView LoadBalancerParam { "cometd.lb.configuration" };
inline constexpr QLatin1StringView ObjectParam { "object-param" };
inline constexpr QLatin1StringView Name { "name" };
inline constexpr QLatin1StringView Object { "object" };
inline constexpr QLatin1StringView Field { "field" };
inline constexpr QLatin1StringView Collection { "collection" };
inline constexpr QLatin1StringView Value { "value" };
inline constexpr QLatin1StringView String { "string" };
inline constexpr QLatin1StringView Int { "int" };
inline constexpr QLatin1StringView NameAttribute { "name" };
inline constexpr QLatin1StringView NodesField { "nodes" };
inline constexpr QLatin1StringView IdField { "id" };
inline constexpr QLatin1StringView UrlField { "url" };
inline constexpr QLatin1StringView MaxConnectionField { "maxConnection" };
} // namespace ExoXml

// A node's state as the admin API shows it (SPEC §2: Node.state)
namespace NodeState {
inline constexpr QLatin1StringView Up { "up" };
inline constexpr QLatin1StringView Down { "down" };
inline constexpr QLatin1StringView Draining { "draining" };
} // namespace NodeState

// A node's report to the balancer (heartbeat and session changes), and the balancer's answer.
namespace Report {
inline constexpr QLatin1StringView Path { "/cluster/report" };
inline constexpr QByteArrayView SignatureHeader {
    "X-Cometd-Signature"
}; // hex HMAC-SHA256(secret, timestamp "\n" nonce "\n" body)
inline constexpr QByteArrayView TimestampHeader { "X-Cometd-Timestamp" }; // unix milliseconds
inline constexpr QByteArrayView NonceHeader { "X-Cometd-Nonce" }; // 128 random bits, 32 lowercase hex digits
inline constexpr QLatin1StringView NodeId { "nodeId" };
inline constexpr QLatin1StringView Url { "url" };
inline constexpr QLatin1StringView MaxConnection { "maxConnection" };
inline constexpr QLatin1StringView Sessions { "sessions" };
inline constexpr QLatin1StringView MessagesIn { "messagesIn" };
inline constexpr QLatin1StringView MessagesOut { "messagesOut" };
inline constexpr QLatin1StringView Users { "users" };
inline constexpr QLatin1StringView User { "user" };
inline constexpr QLatin1StringView Opened { "opened" };
inline constexpr QLatin1StringView Transport { "transport" };
inline constexpr QLatin1StringView ConnectedSince { "connectedSince" };
// {"epoch": N, "page": K, "last": bool}: one page of the node's full list (Balancer::FullListPage)
inline constexpr QLatin1StringView FullList { "fullList" };
inline constexpr QLatin1StringView Epoch { "epoch" };
inline constexpr QLatin1StringView Page { "page" };
inline constexpr QLatin1StringView Last { "last" };
inline constexpr QLatin1StringView WantFullList { "wantFullList" };
inline constexpr QLatin1StringView Channels { "channels" };
inline constexpr QLatin1StringView Channel { "channel" };
inline constexpr QLatin1StringView Subscribers { "subscribers" };
inline constexpr QLatin1StringView Messages { "messages" };
} // namespace Report

// Deliveries the balancer hands to a node, batched: a JSON array of delivery-API bodies, each with
// a "type" ("private" | "broadcast"), signed as reports are; the answer is {"delivered": [N, ...]}
// in the same order.
namespace ClusterDelivery {
inline constexpr QLatin1StringView Path { "/cluster/deliver" };
inline constexpr QLatin1StringView Type { "type" };
inline constexpr QLatin1StringView Private { "private" };
inline constexpr QLatin1StringView Broadcast { "broadcast" };
inline constexpr QLatin1StringView Delivered { "delivered" };
} // namespace ClusterDelivery

// The admin API (SPEC §2 Admin API): paths, query parameters, JSON keys and event types.
namespace Admin {
inline constexpr QLatin1StringView Cluster { "/admin/api/cluster" };
inline constexpr QLatin1StringView Users { "/admin/api/users" };
inline constexpr QLatin1StringView Channels { "/admin/api/channels" };
inline constexpr QLatin1StringView Messages { "/admin/api/messages" };
inline constexpr QLatin1StringView Drain { "/admin/api/nodes/{}/drain" };
inline constexpr QLatin1StringView Undrain { "/admin/api/nodes/{}/undrain" };
inline constexpr QLatin1StringView Events { "/admin/api/events" };
inline constexpr QLatin1StringView FilterQuery { "filter" };
inline constexpr QLatin1StringView OffsetQuery { "offset" };
inline constexpr QLatin1StringView LimitQuery { "limit" };
inline constexpr QLatin1StringView Nodes { "nodes" };
inline constexpr QLatin1StringView Totals { "totals" };
inline constexpr QLatin1StringView Id { "id" };
inline constexpr QLatin1StringView Url { "url" };
inline constexpr QLatin1StringView State { "state" };
inline constexpr QLatin1StringView Dynamic { "dynamic" };
inline constexpr QLatin1StringView Sessions { "sessions" };
inline constexpr QLatin1StringView UsersKey { "users" };
inline constexpr QLatin1StringView MaxConnection { "maxConnection" };
inline constexpr QLatin1StringView MessagesIn { "messagesIn" };
inline constexpr QLatin1StringView MessagesOut { "messagesOut" };
inline constexpr QLatin1StringView Total { "total" };
inline constexpr QLatin1StringView User { "user" };
inline constexpr QLatin1StringView Node { "node" };
inline constexpr QLatin1StringView Transport { "transport" };
inline constexpr QLatin1StringView ConnectedSince { "connectedSince" };
inline constexpr QLatin1StringView ChannelsKey { "channels" };
inline constexpr QLatin1StringView Channel { "channel" };
inline constexpr QLatin1StringView Subscribers { "subscribers" };
inline constexpr QLatin1StringView MessagesPerSecond { "messagesPerSecond" };
inline constexpr QLatin1StringView Type { "type" };
inline constexpr QLatin1StringView TypePrivate { "private" };
inline constexpr QLatin1StringView TypeBroadcast { "broadcast" };
inline constexpr QLatin1StringView Event { "event" };
inline constexpr QLatin1StringView At { "at" };
inline constexpr QLatin1StringView ClusterKey { "cluster" };
inline constexpr QLatin1StringView EventSnapshot { "snapshot" };
inline constexpr QLatin1StringView EventNode { "node" };
inline constexpr QLatin1StringView EventUser { "user" };
inline constexpr QLatin1StringView EventStats { "stats" };
inline constexpr QLatin1StringView Joined { "joined" };
inline constexpr QLatin1StringView Left { "left" };
inline constexpr QLatin1StringView Changed { "changed" };
// channel events on the events WebSocket (SPEC §2): {"type": "channel", "event": ..., "channel": {...}}
inline constexpr QLatin1StringView EventChannel { "channel" };
inline constexpr QLatin1StringView Added { "added" };
inline constexpr QLatin1StringView Removed { "removed" };
inline constexpr QLatin1StringView Bearer { "Bearer " };
inline constexpr QByteArrayView AuthorizationHeader { "Authorization" };
inline constexpr QLatin1StringView NodeIdPlaceholder { "{}" }; // in Drain and Undrain
} // namespace Admin

// Prometheus metric names served at Path::Metrics (text format 0.0.4).
namespace Metrics {
inline constexpr QByteArrayView ContentType { "text/plain; version=0.0.4; charset=utf-8" };
inline constexpr QLatin1StringView Sessions { "cometd_sessions" };
inline constexpr QLatin1StringView Users { "cometd_users" };
inline constexpr QLatin1StringView HeldConnects { "cometd_held_connects" };
inline constexpr QLatin1StringView QueuedMessages { "cometd_queued_messages" };
inline constexpr QLatin1StringView Deliveries { "cometd_deliveries_total" };
inline constexpr QLatin1StringView DroppedMessages { "cometd_dropped_messages_total" };
inline constexpr QLatin1StringView HttpConnections { "cometd_http_connections" };
inline constexpr QLatin1StringView WebSocketConnections { "cometd_websocket_connections" };
inline constexpr QLatin1StringView NodeSessions { "cometd_node_sessions" };
inline constexpr QLatin1StringView NodeUsers { "cometd_node_users" };
inline constexpr QLatin1StringView NodeUp { "cometd_node_up" };
inline constexpr QLatin1StringView NodeDraining { "cometd_node_draining" };
inline constexpr QLatin1StringView NodeLabel { "node" };
inline constexpr QLatin1StringView ClusterNodes { "cometd_cluster_nodes" };
inline constexpr QLatin1StringView ClusterLiveNodes { "cometd_cluster_live_nodes" };
inline constexpr QLatin1StringView ClusterSessions { "cometd_cluster_sessions" };
inline constexpr QLatin1StringView ClusterUsers { "cometd_cluster_users" };
inline constexpr QLatin1StringView ClusterMessagesIn { "cometd_cluster_messages_in_total" };
inline constexpr QLatin1StringView ClusterMessagesOut { "cometd_cluster_messages_out_total" };
} // namespace Metrics

} // namespace Wire
