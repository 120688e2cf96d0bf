#include "mainwindow.h"

#include "adminclient.h"
#include "composewidget.h"
#include "connectdialog.h"
#include "connectionsettings.h"
#include "consolemodels.h"
#include "loadbardelegate.h"
#include "loadchart.h"
#include "modelroles.h"
#include "naturalsortproxymodel.h"
#include "wire.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace AdminGui {

MainWindow::MainWindow(AdminClient *client, ConsoleModels *models, ConnectionSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_client(client)
    , m_models(models)
    , m_settings(settings)
    , m_tabs(new QTabWidget(this))
    , m_banner(new QLabel(this))
    , m_totals(new QLabel(this))
    , m_status(new QLabel(this))
    , m_nodesProxy(new NaturalSortProxyModel(this))
    , m_usersProxy(new NaturalSortProxyModel(this))
    , m_channelsProxy(new NaturalSortProxyModel(this))
    , m_nodesView(new QTableView(this))
    , m_usersView(new QTableView(this))
    , m_channelsView(new QTableView(this))
    , m_eventLogView(new QTableView(this))
    , m_userFilter(new QLineEdit(this))
    , m_channelFilter(new QLineEdit(this))
    , m_chart(new LoadChart(&models->loadHistory(), this))
    , m_compose(new ComposeWidget(client, &models->sendHistory(), &models->users(), &models->channels(), this))
    , m_countdown(new QTimer(this))
{
    m_countdown->setInterval(250);
    connect(m_countdown, &QTimer::timeout, this, &MainWindow::updateState);
    setWindowTitle(tr("cometd-admin"));
    m_nodesView->setObjectName(u"nodesView"_s);
    m_usersView->setObjectName(u"usersView"_s);
    m_channelsView->setObjectName(u"channelsView"_s);
    m_eventLogView->setObjectName(u"eventLogView"_s);
    m_banner->setObjectName(u"banner"_s);
    m_status->setObjectName(u"connectionStatus"_s);
    m_totals->setObjectName(u"totals"_s);

    m_nodesProxy->setSourceModel(&models->nodes());
    m_usersProxy->setSourceModel(&models->users());
    m_usersProxy->setFilterKeyColumn(-1);
    m_channelsProxy->setSourceModel(&models->channels());
    m_channelsProxy->setFilterKeyColumn(0);
    for (QSortFilterProxyModel *proxy : { m_nodesProxy, m_usersProxy, m_channelsProxy }) {
        proxy->setSortRole(SortRole);
        proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    }

    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(u"background: #fbe3e1; color: #8a1f17; padding: 6px; border: 1px solid #e0a8a2;"_s);
    m_banner->hide();
    QFont totalsFont = m_totals->font();
    totalsFont.setPointSizeF(totalsFont.pointSizeF() * 1.15);
    m_totals->setFont(totalsFont);

    setupView(m_eventLogView, nullptr);
    m_eventLogView->setModel(&models->eventLog());
    m_eventLogView->horizontalHeader()->setStretchLastSection(true);
    m_eventLogView->setSortingEnabled(false);
    connect(&models->eventLog(), &QAbstractItemModel::rowsInserted, this, [this] {
        const QScrollBar *bar = m_eventLogView->verticalScrollBar();
        if (bar->value() >= bar->maximum() - 2) m_eventLogView->scrollToBottom();
    });

    m_tabs->addTab(buildNodesTab(), tr("Nodes"));
    m_tabs->addTab(
        buildFilteredTab(m_usersView, m_usersProxy, m_userFilter, tr("Filter users, nodes, transports…")), tr("Users"));
    m_tabs->addTab(
        buildFilteredTab(m_channelsView, m_channelsProxy, m_channelFilter, tr("Filter channels…")), tr("Channels"));
    m_tabs->addTab(m_compose, tr("Compose"));
    m_tabs->addTab(m_eventLogView, tr("Event log"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_banner);
    layout->addWidget(m_totals);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(m_status, 1);

    QMenu *cluster = menuBar()->addMenu(tr("&Cluster"));
    QAction *connectAction = cluster->addAction(tr("&Connect…"));
    connectAction->setShortcut(QKeySequence::Open);
    connect(connectAction, &QAction::triggered, this, &MainWindow::openConnectDialog);
    connect(cluster->addAction(tr("&Disconnect")), &QAction::triggered, this,
        [this] { m_client->disconnectFromCluster(); });
    cluster->addSeparator();
    QAction *quit = cluster->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, qApp, &QApplication::quit);

    m_nodesView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_nodesView, &QWidget::customContextMenuRequested, this, &MainWindow::showNodeMenu);
    m_usersView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_usersView, &QWidget::customContextMenuRequested, this, &MainWindow::showUserMenu);

    connect(m_client, &AdminClient::stateChanged, this, &MainWindow::updateState);
    connect(m_models, &ConsoleModels::totalsChanged, this, &MainWindow::updateTotals);
    connect(m_models, &ConsoleModels::staleChanged, this, &MainWindow::updateState);
    connect(m_client, &AdminClient::nodeActionFinished, this,
        [this](const QString &, bool, const QString &message) { statusBar()->showMessage(message, 8000); });
    connect(m_client, &AdminClient::userReleased, this,
        [this](const QString &, bool, const QString &message) { statusBar()->showMessage(message, 8000); });
    updateState();
    updateTotals();
    resize(1200, 760);
}

void MainWindow::setupView(QTableView *view, QSortFilterProxyModel *proxy)
{
    if (proxy) {
        view->setModel(proxy);
        view->setSortingEnabled(true);
        view->sortByColumn(0, Qt::AscendingOrder);
    }
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    // Fixed row heights: a 10,000-row table never measures its rows.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setHighlightSections(false);
    // Columns that fit their contents measure the rows on screen only: with the default (1,000 rows)
    // every live event on a big table would measure a thousand cells again.
    view->horizontalHeader()->setResizeContentsPrecision(0);
    view->setWordWrap(false);
}

QWidget *MainWindow::buildNodesTab()
{
    setupView(m_nodesView, m_nodesProxy);
    m_nodesView->setItemDelegateForColumn(NodeModel::LoadColumn, new LoadBarDelegate(m_nodesView));
    QHeaderView *header = m_nodesView->horizontalHeader();
    // The state column fits what it says ("up, stale: last seen 12:04:31"); the URL takes the rest.
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(NodeModel::UrlColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(NodeModel::LoadColumn, QHeaderView::Interactive);
    header->resizeSection(NodeModel::LoadColumn, 220);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_nodesView);
    auto *chartBox = new QWidget(splitter);
    auto *chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 4, 0, 0);
    chartLayout->addWidget(new QLabel(tr("Load of each node (slots / maxConnection), last 5 minutes"), chartBox));
    chartLayout->addWidget(m_chart, 1);
    splitter->addWidget(chartBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    return splitter;
}

QWidget *MainWindow::buildFilteredTab(
    QTableView *view, QSortFilterProxyModel *proxy, QLineEdit *filter, const QString &hint)
{
    setupView(view, proxy);
    // The name (first column) takes the room the figures leave, so a channel or user name shows
    // whole; the other columns fit what they hold ("long-polling, websocket"). A name wider than
    // the window keeps its end, where channel names differ, and its tooltip has it all.
    QHeaderView *header = view->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(0, QHeaderView::Stretch);
    view->setTextElideMode(Qt::ElideMiddle);
    filter->setPlaceholderText(hint);
    filter->setClearButtonEnabled(true);
    connect(filter, &QLineEdit::textChanged, proxy, &QSortFilterProxyModel::setFilterFixedString);
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(filter);
    layout->addWidget(view, 1);
    return page;
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

QString MainWindow::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void MainWindow::updateState()
{
    const AdminClient::State state = m_client->state();
    QString text = m_client->stateMessage();
    if (text.isEmpty()) text = tr("Not connected — Cluster ▸ Connect…");
    if (state == AdminClient::State::Reconnecting && m_client->msUntilReconnect() >= 0) {
        text = tr("%1 — %2; reconnecting in %3 s (attempt %4)")
                   .arg(m_client->baseUrl().toDisplayString(), m_client->lastFailure())
                   .arg((m_client->msUntilReconnect() + 999) / 1000)
                   .arg(m_client->failedAttempts() + 1);
    }
    if (state == AdminClient::State::Reconnecting) {
        if (!m_countdown->isActive()) m_countdown->start();
    } else {
        m_countdown->stop();
    }
    m_status->setText(text);
    const QDateTime stale = m_models->staleSince();
    if (stale.isValid())
        text += tr(" — showing the cluster as last seen at %1").arg(stale.toLocalTime().toString(u"HH:mm:ss"_s));
    const bool trouble = state == AdminClient::State::Refused || state == AdminClient::State::Reconnecting;
    m_banner->setText(text);
    m_banner->setVisible(trouble);
    // A refused token needs the user: ask again, with the reason.
    if (state == AdminClient::State::Refused && isVisible()) openConnectDialog();
    if (state == AdminClient::State::Connected)
        setWindowTitle(tr("cometd-admin — %1").arg(m_client->baseUrl().toDisplayString()));
}

void MainWindow::updateTotals()
{
    const ClusterTotals &t = m_models->totals();
    m_totals->setText(tr("<b>%1</b> nodes · <b>%2</b> sessions · <b>%3</b> users · <b>%4</b> channels · <b>%5</b> in/s "
                         "· <b>%6</b> out/s")
                          .arg(t.nodes)
                          .arg(t.sessions)
                          .arg(t.users)
                          .arg(m_models->channels().rowCount())
                          .arg(t.messagesIn, 0, 'f', 1)
                          .arg(t.messagesOut, 0, 'f', 1));
    m_tabs->setTabText(1, tr("Users (%1)").arg(m_models->users().rowCount()));
    m_tabs->setTabText(2, tr("Channels (%1)").arg(m_models->channels().rowCount()));
}

void MainWindow::openConnectDialog()
{
    if (m_connectDialog) {
        m_connectDialog->raise();
        return;
    }
    auto *dialog = new ConnectDialog(m_settings, this);
    m_connectDialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_client->state() == AdminClient::State::Refused) {
        dialog->setUrl(m_client->baseUrl());
        dialog->setError(m_client->stateMessage());
    }
    connect(dialog, &QDialog::accepted, this,
        [this, dialog] { m_client->connectToCluster(dialog->url(), dialog->token()); });
    dialog->open();
}

void MainWindow::drainNode(const QModelIndex &proxyIndex, bool drain)
{
    const QString id = proxyIndex.siblingAtColumn(0).data(KeyRole).toString();
    if (!id.isEmpty()) m_client->drainNode(id, drain);
}

void MainWindow::composeToUser(const QModelIndex &proxyIndex)
{
    const QString user = proxyIndex.siblingAtColumn(0).data(KeyRole).toString();
    if (user.isEmpty()) return;
    m_compose->preparePrivate(user);
    m_tabs->setCurrentWidget(m_compose);
}

void MainWindow::releaseUser(const QModelIndex &proxyIndex)
{
    const QString user = proxyIndex.siblingAtColumn(0).data(KeyRole).toString();
    if (!user.isEmpty()) m_client->releaseUser(user);
}

QMenu *MainWindow::nodeMenu(const QModelIndex &proxyIndex)
{
    const QPersistentModelIndex index = proxyIndex;
    const QString id = proxyIndex.siblingAtColumn(0).data(KeyRole).toString();
    const NodeModel &nodes = m_models->nodes();
    const int row = nodes.rowOf(id);
    const QString state = row >= 0 ? nodes.at(row).state : QString();
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    // Only what can be done to the node as it is: undrain a draining node, drain one that is up.
    if (state == Wire::NodeState::Draining) {
        connect(menu->addAction(tr("Undrain node %1").arg(id)), &QAction::triggered, this,
            [this, index] { drainNode(index, false); });
    } else if (state == Wire::NodeState::Up) {
        connect(
            menu->addAction(tr("Drain node %1…").arg(id)), &QAction::triggered, this, [this, id] { confirmDrain(id); });
    } else {
        menu->addAction(tr("Node %1 is down: nothing to do").arg(id))->setEnabled(false);
    }
    return menu;
}

void MainWindow::confirmDrain(const QString &id)
{
    // Draining sends every new user elsewhere at once: worth a second look, and the dialog is not
    // modal to the whole application, so live updates keep coming while it is open.
    auto *box = new QMessageBox(QMessageBox::Question, tr("Drain node %1?").arg(id),
        tr("Node %1 will take no new users. The users it holds stay until they leave.").arg(id), QMessageBox::Cancel,
        this);
    box->setObjectName(u"drainConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *drain = box->addButton(tr("Drain"), QMessageBox::AcceptRole);
    drain->setObjectName(u"drainConfirm"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(drain, &QPushButton::clicked, this, [this, id] { m_client->drainNode(id, true); });
    box->open();
}

void MainWindow::showNodeMenu(const QPoint &pos)
{
    const QModelIndex at = m_nodesView->indexAt(pos);
    if (!at.isValid()) return;
    nodeMenu(at)->popup(m_nodesView->viewport()->mapToGlobal(pos));
}

void MainWindow::showUserMenu(const QPoint &pos)
{
    const QModelIndex at = m_usersView->indexAt(pos);
    if (!at.isValid()) return;
    const QPersistentModelIndex index = at;
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const QString user = at.siblingAtColumn(0).data(KeyRole).toString();
    connect(menu->addAction(tr("Send a private message to %1…").arg(user)), &QAction::triggered, this,
        [this, index] { composeToUser(index); });
    connect(menu->addAction(tr("Release the slot of %1").arg(user)), &QAction::triggered, this,
        [this, index] { releaseUser(index); });
    menu->popup(m_usersView->viewport()->mapToGlobal(pos));
}

} // namespace AdminGui
