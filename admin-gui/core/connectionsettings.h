#pragma once

#include <QSettings>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace AdminGui {

// The clusters the console connected to, newest first, and the tokens the user asked to keep.
class ConnectionSettings final
{
public:
    static constexpr qsizetype MaxRecent = 10;

    ConnectionSettings(); // the application's QSettings
    explicit ConnectionSettings(const QString &iniFile); // a file of its own (tests)

    QStringList recentClusters() const;
    QString savedToken(const QString &url) const; // empty when not kept
    // Puts `url` first in the recent list; keeps the token only when asked, forgets it otherwise.
    void remember(const QString &url, const QString &token, bool keepToken);

private:
    static QString tokenKey(const QString &url);
    std::unique_ptr<QSettings> m_settings;
};

} // namespace AdminGui
