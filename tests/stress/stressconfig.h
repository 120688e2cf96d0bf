#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <variant>

// One message of the test: sent privately to every client on every channel, or broadcast on the
// first channel.
struct StressMessage
{
    QString id;
    QString text;
    bool broadcast = false;

    friend bool operator==(const StressMessage &, const StressMessage &) = default;
};

// The original eXo stress-test configuration (SPEC §5), as read from its XML.
struct StressConfig
{
    int clients = 0;
    int repeat = 1;
    int sleepConnectionMs = 0;
    int sleepSendingMs = 0;
    bool containerStart = false;
    quint16 containerPort = 0; // 0 with containerStart: the node picks a free port
    QString containerHome; // the node's --config file; empty: none
    QList<StressMessage> messages;
    QUrl cometdUrl; // informational: clients locate their node through baseUrl
    QUrl baseUrl; // always ends with '/'
    QStringList channels;
};

// Either a configuration or one line naming the file, the place and the problem.
class [[nodiscard]] StressConfigResult
{
public:
    StressConfigResult(StressConfig config)
        : m_state(std::move(config))
    { }
    StressConfigResult(QString error)
        : m_state(std::move(error))
    { }

    bool ok() const { return m_state.index() == 0; }
    const StressConfig &config() const { return std::get<0>(m_state); }
    const QString &error() const { return std::get<1>(m_state); }

private:
    std::variant<StressConfig, QString> m_state;
};

// Reads the stress XML strictly: unknown elements or attributes, bad numbers and missing parts are
// errors, so that a typo cannot silently turn into a different test.
namespace StressConfigParser {
StressConfigResult parse(const QByteArray &xml, const QString &fileName);
StressConfigResult parseFile(const QString &fileName);
} // namespace StressConfigParser
