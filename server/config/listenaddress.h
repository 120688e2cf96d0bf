#pragma once

#include <QString>
#include <QUrl>

#include <optional>

// The HOST:PORT a process listens on; port 0 asks the system for an ephemeral port.
struct ListenAddress
{
    QString host; // without brackets: "127.0.0.1", "::1", "localhost"
    quint16 port = 0;

    // Accepts "host:port", "[ipv6]:port"; port 0..65535 in decimal.
    static std::optional<ListenAddress> parse(QStringView text);

    QString toString() const; // brackets an IPv6 host
    bool isLoopback() const; // localhost, 127.0.0.0/8, ::1
    bool isWildcard() const; // 0.0.0.0 or ::, which clients cannot connect to
    // http://host:port, with boundPort standing in for port 0 once the socket is bound.
    QUrl toUrl(quint16 boundPort = 0) const;

    friend bool operator==(const ListenAddress &, const ListenAddress &) = default;
};
