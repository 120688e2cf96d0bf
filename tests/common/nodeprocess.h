#pragma once

#include <QProcess>
#include <QStringList>

// A cometd-node process for end-to-end tests: started on 127.0.0.1 port 0, with the port it prints
// ("listening on http://127.0.0.1:PORT") read back; killed when the object goes.
class NodeProcess
{
    Q_DISABLE_COPY_MOVE(NodeProcess)
public:
    explicit NodeProcess(QString binary);
    virtual ~NodeProcess();

    // Starts with `--listen 127.0.0.1:0` and `extra`; false when it did not print its port in 10 s.
    bool start(const QStringList &extra = {});

    QProcess process;
    quint16 port = 0;

private:
    QString m_binary;
};
