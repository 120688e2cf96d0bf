#include "redisoptions.h"

#include <QUrl>

namespace Redis {

namespace {

std::nullopt_t fail(QString *error, const QString &message)
{
    if (error) *error = message;
    return std::nullopt;
}

} // namespace

QString Endpoint::toString() const
{
    const QString shown = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return shown + QLatin1Char(':') + QString::number(port);
}

std::optional<Options> parseUrl(const QString &url, QString *error)
{
    // The messages below never quote the URL: it may hold the password.
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid()) return fail(error, QStringLiteral("the Redis URL is not a valid URL"));
    if (parsed.scheme() != QLatin1String("redis")) {
        return fail(error, QStringLiteral("the Redis URL must start with redis:// (rediss:// is not supported)"));
    }
    if (!parsed.userName().isEmpty()) {
        return fail(error,
            QStringLiteral("the Redis URL has a user name; only a password is supported: "
                           "redis://:password@host:port"));
    }
    if (parsed.host().isEmpty()) return fail(error, QStringLiteral("the Redis URL has no host"));
    if (parsed.hasQuery() || parsed.hasFragment()) {
        return fail(error, QStringLiteral("the Redis URL has a query or a fragment"));
    }
    const int port = parsed.port(6379);
    if (port <= 0 || port > 65535) return fail(error, QStringLiteral("the Redis URL's port is out of range"));

    Options options;
    options.server = { parsed.host(), quint16(port) };
    options.password = parsed.password(QUrl::FullyDecoded).toUtf8();
    const QString path = parsed.path();
    if (!path.isEmpty() && path != QLatin1String("/")) {
        bool ok = false;
        const int db = path.mid(1).toInt(&ok);
        if (!ok || db < 0 || path.mid(1) != QString::number(db)) {
            return fail(error, QStringLiteral("the Redis URL's path must be a database number, as in /0"));
        }
        options.db = db;
    }
    return options;
}

std::optional<Endpoint> parseEndpoint(const QString &text, quint16 defaultPort, QString *error)
{
    QUrl parsed;
    parsed.setAuthority(text, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.host().isEmpty() || !parsed.userInfo().isEmpty()) {
        return fail(error, QStringLiteral("\"%1\" is not host:port").arg(text));
    }
    const int port = parsed.port(defaultPort);
    if (port <= 0 || port > 65535) return fail(error, QStringLiteral("\"%1\": port out of range").arg(text));
    return Endpoint { parsed.host(), quint16(port) };
}

} // namespace Redis
