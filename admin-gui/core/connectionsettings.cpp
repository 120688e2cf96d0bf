#include "connectionsettings.h"

using namespace Qt::StringLiterals;

namespace AdminGui {

namespace {
const QString RecentKey = u"connect/recentClusters"_s;
}

ConnectionSettings::ConnectionSettings()
    : m_settings(std::make_unique<QSettings>())
{ }

ConnectionSettings::ConnectionSettings(const QString &iniFile)
    : m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{ }

QString ConnectionSettings::tokenKey(const QString &url)
{
    // URLs hold characters QSettings treats as separators; hex keeps one key per URL.
    return u"tokens/"_s + QString::fromLatin1(url.toUtf8().toHex());
}

QStringList ConnectionSettings::recentClusters() const
{
    return m_settings->value(RecentKey).toStringList();
}

QString ConnectionSettings::savedToken(const QString &url) const
{
    return m_settings->value(tokenKey(url)).toString();
}

void ConnectionSettings::remember(const QString &url, const QString &token, bool keepToken)
{
    QStringList recent = recentClusters();
    recent.removeAll(url);
    recent.prepend(url);
    while (recent.size() > MaxRecent)
        recent.removeLast();
    m_settings->setValue(RecentKey, recent);
    if (keepToken)
        m_settings->setValue(tokenKey(url), token);
    else
        m_settings->remove(tokenKey(url));
    m_settings->sync();
}

} // namespace AdminGui
