#pragma once

#include <QWidget>

namespace AdminGui {

class LoadHistory;

// A line chart of each node's load (slots / maxConnection) over the history's window.
class LoadChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadChart)
public:
    explicit LoadChart(LoadHistory *history, QWidget *parent = nullptr);

    QSize minimumSizeHint() const override { return { 240, 140 }; }
    QSize sizeHint() const override { return { 600, 220 }; }
    static QColor colorOf(int series);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    LoadHistory *m_history;
};

} // namespace AdminGui
