#pragma once

#include <QByteArray>

namespace Bayeux {

// One transport end that can carry Bayeux messages to a client: a long-poll HTTP exchange (answers
// once) or a WebSocket (answers many times). Transports implement it; the engine never sees a socket.
class Connection
{
public:
    virtual ~Connection() = default;

    // Writes a JSON array of Bayeux messages (already serialised, e.g. "[{...},{...}]").
    // A non-persistent connection (long-polling) is finished by this call and must not be used again.
    virtual void deliver(const QByteArray &jsonArray) = 0;

    // true for WebSocket: messages may be pushed without answering a held /meta/connect.
    virtual bool isPersistent() const = 0;

    // false while the client has not taken what was written (more than its outgoing budget waits):
    // the engine then keeps messages in the session queues, and the transport calls
    // BayeuxEngine::connectionWritable() once the client has caught up.
    virtual bool canWrite() const { return true; }
};

} // namespace Bayeux
