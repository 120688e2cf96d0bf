#pragma once

#include <QElapsedTimer>
#include <QString>

#include <cstdio>

struct ProgressSnapshot
{
    QString phase; // connecting, sending, waiting, stopping
    int connected = 0;
    int clients = 0;
    qint64 delivered = 0;
    qint64 expected = 0;
};

// The live progress line on stderr. On a terminal it redraws one line in place (at most ten times a
// second); elsewhere it stays quiet except for one line per phase ("cometd-stress: sending"), which
// scripts and tests can wait for.
class ProgressBar final
{
public:
    ProgressBar(FILE *stream, bool interactive);

    static QString render(const ProgressSnapshot &snapshot, int barWidth = 30);

    bool isInteractive() const { return m_interactive; }
    void update(const ProgressSnapshot &snapshot);
    // A new phase: printed as its own line when not interactive, redrawn at once when interactive.
    void phase(const ProgressSnapshot &snapshot);
    // Ends the live line so that the report starts on a clean one.
    void finish();

private:
    void draw(const ProgressSnapshot &snapshot);

    FILE *m_stream;
    bool m_interactive;
    bool m_drawn = false;
    QElapsedTimer m_sinceDraw;
};
