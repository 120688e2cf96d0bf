#pragma once

#include "outgoingmessage.h"

#include <QByteArray>
#include <QList>

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

    // Pushes messages on a persistent connection. A WebSocket sends each message's shared `framed`
    // bytes ("[message]") as a frame of its own, so that a message fanned out to many clients is
    // never copied per client; the default joins them into one array.
    virtual void deliverMessages(const QList<OutgoingMessage> &messages)
    {
        if (messages.size() == 1) {
            deliver(messages.first().framed);
            return;
        }
        JsonArrayWriter writer;
        writer.append(messages);
        deliver(writer.take());
    }

    // true for WebSocket: messages may be pushed without answering a held /meta/connect.
    virtual bool isPersistent() const = 0;

    // false while the client has not taken what was written (more than its outgoing budget waits):
    // the engine then keeps messages in the session queues, and the transport calls
    // BayeuxEngine::connectionWritable() once the client has caught up.
    virtual bool canWrite() const { return true; }
};

} // namespace Bayeux
