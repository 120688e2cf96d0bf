#pragma once

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

namespace AdminGui {

class ConnectionSettings;

// Asks for a balancer URL (with the recent ones offered) and the admin token.
class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)
public:
    explicit ConnectDialog(ConnectionSettings *settings, QWidget *parent = nullptr);

    QUrl url() const;
    QString token() const;
    bool keepToken() const;
    void setError(const QString &message);
    void setUrl(const QUrl &url);

    // A balancer URL as typed: "host:port" gets http://; nullopt-like empty QUrl when unusable.
    static QUrl parseUrl(const QString &text);

    void accept() override;

private:
    void fillToken();

    ConnectionSettings *m_settings;
    QComboBox *m_url;
    QLineEdit *m_token;
    QCheckBox *m_keepToken;
    QLabel *m_error;
};

} // namespace AdminGui
