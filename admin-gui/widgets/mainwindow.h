#pragma once

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTimer;

namespace AdminGui {

class AdminClient;
class ComposeWidget;
class ConnectDialog;
class ConnectionSettings;
class ConsoleModels;
class LoadChart;

// The console's window: wires the client's models to the views, the context menus to the client's
// actions, and the client's state to the status bar. Holds no data of its own.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    MainWindow(AdminClient *client, ConsoleModels *models, ConnectionSettings *settings, QWidget *parent = nullptr);

    QTableView *nodesView() const { return m_nodesView; }
    QTableView *usersView() const { return m_usersView; }
    QTableView *channelsView() const { return m_channelsView; }
    QTableView *eventLogView() const { return m_eventLogView; }
    QLineEdit *userFilter() const { return m_userFilter; }
    QLineEdit *channelFilter() const { return m_channelFilter; }
    ComposeWidget *compose() const { return m_compose; }
    QTabWidget *tabs() const { return m_tabs; }
    LoadChart *loadChart() const { return m_chart; }
    QString statusText() const; // the connection state as the status bar shows it
    QString bannerText() const; // the error banner's text; empty when hidden

    // Opens the connect dialog (one at a time); with an error, prefilled with the current URL.
    void openConnectDialog();
    ConnectDialog *connectDialog() const { return m_connectDialog; }
    // The context-menu actions, on the row under `proxyIndex` of the view's (proxy) model.
    void drainNode(const QModelIndex &proxyIndex, bool drain);
    // The node row's context menu (deleted when closed): drain for a node that is up, after a
    // confirmation (a QMessageBox named "drainConfirmation"), undrain for a draining one.
    QMenu *nodeMenu(const QModelIndex &proxyIndex);
    void composeToUser(const QModelIndex &proxyIndex);
    void releaseUser(const QModelIndex &proxyIndex);

private:
    QWidget *buildNodesTab();
    QWidget *buildFilteredTab(QTableView *view, QSortFilterProxyModel *proxy, QLineEdit *filter, const QString &hint);
    void setupView(QTableView *view, QSortFilterProxyModel *proxy);
    void showNodeMenu(const QPoint &pos);
    void confirmDrain(const QString &nodeId);
    void showUserMenu(const QPoint &pos);
    void updateState();
    void updateTotals();

    AdminClient *m_client;
    ConsoleModels *m_models;
    ConnectionSettings *m_settings;
    QTabWidget *m_tabs;
    QLabel *m_banner;
    QLabel *m_totals;
    QLabel *m_status;
    QSortFilterProxyModel *m_nodesProxy;
    QSortFilterProxyModel *m_usersProxy;
    QSortFilterProxyModel *m_channelsProxy;
    QTableView *m_nodesView;
    QTableView *m_usersView;
    QTableView *m_channelsView;
    QTableView *m_eventLogView;
    QLineEdit *m_userFilter;
    QLineEdit *m_channelFilter;
    LoadChart *m_chart;
    ComposeWidget *m_compose;
    QTimer *m_countdown;
    QPointer<ConnectDialog> m_connectDialog; // refreshes "reconnecting in N s" while the client waits
};

} // namespace AdminGui
