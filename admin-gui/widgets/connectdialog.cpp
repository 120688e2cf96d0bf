#include "connectdialog.h"

#include "connectionsettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace AdminGui {

ConnectDialog::ConnectDialog(ConnectionSettings *settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_url(new QComboBox(this))
    , m_token(new QLineEdit(this))
    , m_keepToken(new QCheckBox(tr("Remember the token on this computer"), this))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("Connect to a cometd cluster"));
    m_url->setEditable(true);
    m_url->setObjectName(u"connectUrl"_s);
    m_url->addItems(m_settings->recentClusters());
    if (m_url->count() == 0) m_url->setEditText(u"http://127.0.0.1:8080"_s);
    m_url->setMinimumContentsLength(32);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setObjectName(u"connectToken"_s);
    m_token->setPlaceholderText(tr("adminToken from the balancer's configuration"));
    m_error->setObjectName(u"connectError"_s);
    m_error->setStyleSheet(u"color: #c02020"_s);
    m_error->setWordWrap(true);
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Balancer URL:"), m_url);
    form->addRow(tr("Admin token:"), m_token);
    form->addRow(QString(), m_keepToken);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_url, &QComboBox::currentTextChanged, this, &ConnectDialog::fillToken);
    fillToken();
}

void ConnectDialog::fillToken()
{
    const QString saved = m_settings->savedToken(m_url->currentText().trimmed());
    m_keepToken->setChecked(!saved.isEmpty());
    if (!saved.isEmpty()) m_token->setText(saved);
}

QUrl ConnectDialog::parseUrl(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) return {};
    if (!trimmed.contains(u"://"_s)) trimmed.prepend(u"http://"_s);
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s)) return {};
    return url;
}

QUrl ConnectDialog::url() const
{
    return parseUrl(m_url->currentText());
}

QString ConnectDialog::token() const
{
    return m_token->text();
}

bool ConnectDialog::keepToken() const
{
    return m_keepToken->isChecked();
}

void ConnectDialog::setError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ConnectDialog::setUrl(const QUrl &url)
{
    m_url->setEditText(url.toString());
    m_token->setFocus();
    m_token->selectAll();
}

void ConnectDialog::accept()
{
    if (url().isEmpty()) {
        setError(tr("Type the balancer's URL, for example http://127.0.0.1:8080"));
        return;
    }
    if (m_token->text().isEmpty()) {
        setError(tr("Type the admin token (adminToken in the balancer's configuration)."));
        return;
    }
    m_settings->remember(url().toString(), token(), keepToken());
    QDialog::accept();
}

} // namespace AdminGui
