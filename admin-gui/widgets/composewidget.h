#pragma once

#include <QWidget>

class QAbstractItemModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QTableView;

namespace AdminGui {

class AdminClient;
class SendHistoryModel;

// The Compose tab: a private or broadcast message, checked as typed, sent through the client,
// with the answers kept in the send history.
class ComposeWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ComposeWidget)
public:
    ComposeWidget(AdminClient *client, SendHistoryModel *history, QAbstractItemModel *users,
        QAbstractItemModel *channels, QWidget *parent = nullptr);

    void preparePrivate(const QString &user); // from the Users tab's context menu
    void setBroadcast(bool broadcast);
    void setChannel(const QString &channel);
    void setMessage(const QString &text, bool asJson);
    void setMessageId(const QString &id);

    bool canSend() const;
    QString validationText() const;
    QString resultText() const;
    bool send(); // false when the form is not valid

Q_SIGNALS:
    void sent(quint64 requestId);

private:
    void revalidate();

    AdminClient *m_client;
    SendHistoryModel *m_history;
    QRadioButton *m_private;
    QRadioButton *m_broadcast;
    QLineEdit *m_user;
    QLineEdit *m_channel;
    QComboBox *m_format;
    QPlainTextEdit *m_message;
    QLineEdit *m_id;
    QLabel *m_validation;
    QPushButton *m_send;
    QLabel *m_result;
    QTableView *m_historyView;
    quint64 m_lastRequest = 0;
};

} // namespace AdminGui
