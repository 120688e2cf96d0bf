#pragma once

#include "httptypes.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace Http {

class ConnectionState;

// The right to answer one request, exactly once. Safe to keep while a long poll is held: when the
// client goes away the responder turns inert instead of writing to a freed socket (the 6.4 trap).
class Responder final
{
public:
    Responder() = default;
    Responder(ConnectionState *connection, bool headRequest, bool closeAfter);
    Responder(Responder &&other) noexcept;
    Responder &operator=(Responder &&other) noexcept;
    Responder(const Responder &) = delete;
    Responder &operator=(const Responder &) = delete;
    // An unanswered responder of a live connection answers 500: a dropped responder must never
    // leave a client hanging.
    ~Responder();

    bool isConnected() const;
    bool isAnswered() const { return m_answered; }
    void respond(const Response &response);
    // Headers added to whatever answer this responder gives (CORS, cookies).
    void addHeader(QByteArray name, QByteArray value);

    // Calls `onGone` (once, in `context`'s thread) if the client disconnects before the answer.
    void whenGone(QObject *context, std::function<void()> onGone) const;

private:
    void release();
    QPointer<ConnectionState> m_connection;
    HeaderList m_extraHeaders;
    bool m_head = false;
    bool m_closeAfter = false;
    bool m_answered = false;
};

} // namespace Http
