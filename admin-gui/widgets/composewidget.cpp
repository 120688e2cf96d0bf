#include "composewidget.h"

#include "adminclient.h"
#include "modelroles.h"
#include "sendhistorymodel.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace AdminGui {

namespace {
QCompleter *completerFor(QAbstractItemModel *model, QObject *parent)
{
    auto *completer = new QCompleter(model, parent);
    completer->setCompletionColumn(0);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    completer->setMaxVisibleItems(12);
    return completer;
}
} // namespace

ComposeWidget::ComposeWidget(AdminClient *client, SendHistoryModel *history, QAbstractItemModel *users,
    QAbstractItemModel *channels, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_history(history)
    , m_private(new QRadioButton(tr("Private, to a user"), this))
    , m_broadcast(new QRadioButton(tr("Broadcast, to a channel's subscribers"), this))
    , m_user(new QLineEdit(this))
    , m_channel(new QLineEdit(u"/eXo/cometd/test"_s, this))
    , m_format(new QComboBox(this))
    , m_message(new QPlainTextEdit(this))
    , m_id(new QLineEdit(this))
    , m_validation(new QLabel(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_result(new QLabel(this))
    , m_historyView(new QTableView(this))
{
    m_user->setObjectName(u"composeUser"_s);
    m_channel->setObjectName(u"composeChannel"_s);
    m_message->setObjectName(u"composeMessage"_s);
    m_send->setObjectName(u"composeSend"_s);
    m_id->setObjectName(u"composeId"_s);
    m_result->setObjectName(u"composeResult"_s);
    m_validation->setObjectName(u"composeValidation"_s);
    m_historyView->setObjectName(u"sendHistory"_s);

    auto *type = new QButtonGroup(this);
    type->addButton(m_private);
    type->addButton(m_broadcast);
    m_private->setChecked(true);
    m_user->setPlaceholderText(tr("user (exoId)"));
    m_user->setCompleter(completerFor(users, m_user));
    m_channel->setCompleter(completerFor(channels, m_channel));
    m_format->addItem(tr("Text"));
    m_format->addItem(tr("JSON"));
    m_message->setPlaceholderText(tr("the message: text as typed, or one JSON value"));
    m_message->setTabChangesFocus(true);
    m_id->setText(u"1"_s);
    m_validation->setWordWrap(true);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *typeRow = new QHBoxLayout;
    typeRow->addWidget(m_private);
    typeRow->addWidget(m_broadcast);
    typeRow->addStretch();
    auto *form = new QFormLayout;
    form->addRow(tr("Type:"), typeRow);
    form->addRow(tr("User:"), m_user);
    form->addRow(tr("Channel:"), m_channel);
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Message:"), m_message);
    form->addRow(tr("Id:"), m_id);
    auto *sendRow = new QHBoxLayout;
    sendRow->addWidget(m_send);
    sendRow->addWidget(m_validation, 1);
    form->addRow(QString(), sendRow);
    form->addRow(tr("Result:"), m_result);

    m_historyView->setModel(m_history);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->verticalHeader()->hide();
    // One line per message, each field whole but the message, which takes the room left.
    QHeaderView *header = m_historyView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(SendHistoryModel::MessageColumn, QHeaderView::Stretch);
    header->setResizeContentsPrecision(0); // the rows on screen, not a thousand per new entry
    m_historyView->setWordWrap(false);
    m_historyView->setAlternatingRowColors(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Sent:"), this));
    layout->addWidget(m_historyView, 1);

    connect(m_private, &QRadioButton::toggled, this, &ComposeWidget::revalidate);
    connect(m_user, &QLineEdit::textChanged, this, &ComposeWidget::revalidate);
    connect(m_channel, &QLineEdit::textChanged, this, &ComposeWidget::revalidate);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ComposeWidget::revalidate);
    connect(m_message, &QPlainTextEdit::textChanged, this, &ComposeWidget::revalidate);
    connect(m_send, &QPushButton::clicked, this, &ComposeWidget::send);
    connect(m_client, &AdminClient::messageSent, this, [this](quint64 requestId, const SendResult &result) {
        if (requestId != m_lastRequest) return;
        m_result->setText(result.text());
        m_result->setStyleSheet(result.ok ? u"color: #208030"_s : u"color: #c02020"_s);
        m_send->setEnabled(canSend());
    });
    revalidate();
}

void ComposeWidget::preparePrivate(const QString &user)
{
    m_private->setChecked(true);
    m_user->setText(user);
    m_message->setFocus();
}

void ComposeWidget::setBroadcast(bool broadcast)
{
    (broadcast ? m_broadcast : m_private)->setChecked(true);
}

void ComposeWidget::setChannel(const QString &channel)
{
    m_channel->setText(channel);
}

void ComposeWidget::setMessage(const QString &text, bool asJson)
{
    m_format->setCurrentIndex(asJson ? 1 : 0);
    m_message->setPlainText(text);
}

void ComposeWidget::setMessageId(const QString &id)
{
    m_id->setText(id);
}

bool ComposeWidget::canSend() const
{
    return checkCompose(m_broadcast->isChecked(), m_user->text(), m_channel->text(), m_message->toPlainText(),
        m_format->currentIndex() == 1, m_id->text())
        .message.has_value();
}

QString ComposeWidget::validationText() const
{
    return m_validation->text();
}

QString ComposeWidget::resultText() const
{
    return m_result->text();
}

void ComposeWidget::revalidate()
{
    m_user->setEnabled(m_private->isChecked());
    const ComposeCheck check = checkCompose(m_broadcast->isChecked(), m_user->text(), m_channel->text(),
        m_message->toPlainText(), m_format->currentIndex() == 1, m_id->text());
    m_validation->setText(check.message ? (m_format->currentIndex() == 1 ? tr("valid JSON") : QString()) : check.error);
    m_validation->setStyleSheet(check.message ? u"color: #208030"_s : u"color: #c02020"_s);
    m_send->setEnabled(check.message.has_value());
}

bool ComposeWidget::send()
{
    const ComposeCheck check = checkCompose(m_broadcast->isChecked(), m_user->text(), m_channel->text(),
        m_message->toPlainText(), m_format->currentIndex() == 1, m_id->text());
    if (!check.message) return false;
    m_lastRequest = m_client->sendMessage(*check.message);
    m_history->addSent(m_lastRequest, *check.message);
    m_historyView->scrollToBottom();
    m_result->setText(tr("sending…"));
    m_result->setStyleSheet(QString());
    m_id->setText(nextMessageId(m_id->text()));
    Q_EMIT sent(m_lastRequest);
    return true;
}

} // namespace AdminGui
