#include "redisscripts.h"

#include <QFile>

namespace RedisEngine {

namespace {

QByteArray readResource(const QString &name)
{
    QFile file(u":/cometd/redis/"_qs + name);
    if (!file.open(QIODevice::ReadOnly)) qFatal("the Lua script %s is missing from the build", qPrintable(name));
    return file.readAll();
}

Redis::Script script(const char *name)
{
    static const QByteArray prelude = readResource(QStringLiteral("prelude.lua"));
    return Redis::Script(prelude + '\n' + readResource(QString::fromLatin1(name) + u".lua"_qs));
}

} // namespace

const Scripts &Scripts::instance()
{
    static const Scripts scripts = [] {
        return Scripts { script("place"), script("release"), script("report"), script("expire"), script("drain"),
            script("configure"), script("deliver"), script("broadcast"), script("nodes"), script("channels") };
    }();
    return scripts;
}

} // namespace RedisEngine
