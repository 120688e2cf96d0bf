// RFC 6455 framing as the node reads and writes it (Http::WebSocketProtocol), without sockets.
#include "rawwebsocket.h"
#include "requesthead.h"
#include "utf8.h"
#include "websocketframe.h"

#include <QTest>
#include <QtEndian>

using namespace Http;
using namespace Http::WebSocketProtocol;

namespace {

QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool fin = true, bool masked = true, quint8 rsv = 0)
{
    return RawWebSocket::encodeFrame(opcode, payload, masked, fin, rsv);
}

QList<Event> readAll(const QByteArray &bytes, qint64 limit = 65536, qsizetype pieceSize = 0)
{
    FrameReader reader(limit);
    QList<Event> events;
    if (pieceSize <= 0) {
        reader.feed(bytes, &events);
    } else {
        for (qsizetype i = 0; i < bytes.size(); i += pieceSize)
            reader.feed(QByteArrayView(bytes).sliced(i, std::min(pieceSize, bytes.size() - i)), &events);
    }
    return events;
}

} // namespace

class tst_WebSocketFrame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acceptKeyMatchesRfc()
    {
        // RFC 6455 §1.3's example.
        QCOMPARE(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QVERIFY(isValidClientKey("dGhlIHNhbXBsZSBub25jZQ=="));
        QVERIFY(!isValidClientKey("short"));
        QVERIFY(!isValidClientKey("dGhlIHNhbXBsZSBub25jZQ")); // unpadded
        QVERIFY(!isValidClientKey("!!!!!!!!!!!!!!!!!!!!!!=="));
    }

    void serverFramesAreUnmaskedAndMinimal_data()
    {
        QTest::addColumn<int>("length");
        QTest::addColumn<int>("headerSize");
        QTest::addRow("0") << 0 << 2;
        QTest::addRow("125") << 125 << 2;
        QTest::addRow("126") << 126 << 4;
        QTest::addRow("65535") << 65535 << 4;
        QTest::addRow("65536") << 65536 << 10;
    }

    void serverFramesAreUnmaskedAndMinimal()
    {
        QFETCH(int, length);
        QFETCH(int, headerSize);
        const QByteArray header = frameHeader(Opcode::Text, length);
        QCOMPARE(header.size(), headerSize);
        QCOMPARE(quint8(header[0]), quint8(0x81));
        QCOMPARE(quint8(header[1]) & 0x80, 0); // never masked
    }

    void readsWholeMessages_data()
    {
        QTest::addColumn<qsizetype>("pieceSize");
        QTest::addRow("at once") << qsizetype(0);
        QTest::addRow("byte by byte") << qsizetype(1);
        QTest::addRow("in 7-byte pieces") << qsizetype(7);
    }

    void readsWholeMessages()
    {
        QFETCH(qsizetype, pieceSize);
        const QByteArray big(70000, 'b');
        const QByteArray stream = clientFrame(0x1, "hello") + clientFrame(0x9, "p")
            + clientFrame(0x2, big)
            // a fragmented text message with a ping between its fragments (allowed, §5.4)
            + clientFrame(0x1, "frag", false) + clientFrame(0x9, {}) + clientFrame(0x0, "men", false)
            + clientFrame(0x0, "ted") + clientFrame(0xA, "pong");
        const QList<Event> events = readAll(stream, 100000, pieceSize);
        QCOMPARE(events.size(), 6);
        QCOMPARE(events[0].kind, Event::Kind::Text);
        QCOMPARE(events[0].payload, QByteArray("hello"));
        QCOMPARE(events[1].kind, Event::Kind::Ping);
        QCOMPARE(events[1].payload, QByteArray("p"));
        QCOMPARE(events[2].kind, Event::Kind::Binary);
        QCOMPARE(events[2].payload, big);
        QCOMPARE(events[3].kind, Event::Kind::Ping);
        QCOMPARE(events[4].kind, Event::Kind::Text);
        QCOMPARE(events[4].payload, QByteArray("fragmented"));
        QCOMPARE(events[5].kind, Event::Kind::Pong);
    }

    void violationsCloseWithTheirCode_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<int>("code");
        QTest::addRow("unmasked client frame") << clientFrame(0x1, "hi", true, false) << int(ProtocolError);
        QTest::addRow("reserved bit") << clientFrame(0x1, "hi", true, true, 0x40) << int(ProtocolError);
        QTest::addRow("unknown opcode") << clientFrame(0x3, "hi") << int(ProtocolError);
        QTest::addRow("fragmented ping") << clientFrame(0x9, "hi", false) << int(ProtocolError);
        QTest::addRow("control frame over 125 bytes") << clientFrame(0x9, QByteArray(126, 'p')) << int(ProtocolError);
        QTest::addRow("continuation first") << clientFrame(0x0, "hi") << int(ProtocolError);
        QTest::addRow("new message inside a fragmented one")
            << clientFrame(0x1, "a", false) + clientFrame(0x1, "b") << int(ProtocolError);
        QTest::addRow("invalid UTF-8 text") << clientFrame(0x1, "\xC3\x28") << int(InvalidPayload);
        QTest::addRow("UTF-8 cut at the end of a message") << clientFrame(0x1, "\xE2\x82") << int(InvalidPayload);
        QTest::addRow("surrogate in text") << clientFrame(0x1, "\xED\xA0\x80") << int(InvalidPayload);
        QTest::addRow("message over the limit") << clientFrame(0x1, QByteArray(2000, 'x')) << int(TooBig);
        QTest::addRow("fragments over the limit")
            << clientFrame(0x1, QByteArray(600, 'x'), false) + clientFrame(0x0, QByteArray(600, 'x')) << int(TooBig);
        QTest::addRow("close with a one-byte body") << clientFrame(0x8, "x") << int(ProtocolError);
        QByteArray badCode(2, Qt::Uninitialized);
        qToBigEndian(quint16(1005), badCode.data());
        QTest::addRow("close with a reserved code") << clientFrame(0x8, badCode) << int(ProtocolError);
    }

    void violationsCloseWithTheirCode()
    {
        QFETCH(QByteArray, stream);
        QFETCH(int, code);
        FrameReader reader(1024);
        QList<Event> events;
        reader.feed(QByteArray(stream + clientFrame(0x1, "after")), &events);
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.last().kind, Event::Kind::Error);
        QCOMPARE(int(events.last().code), code);
        QVERIFY(reader.isFinished());
        // Nothing after the violation is read.
        events.clear();
        reader.feed(clientFrame(0x1, "more"), &events);
        QVERIFY(events.isEmpty());
    }

    // A frame over the limit is refused from its header, before its payload is buffered.
    void oversizedFrameRefusedFromItsHeader()
    {
        FrameReader reader(1024);
        QList<Event> events;
        const QByteArray frame = clientFrame(0x1, QByteArray(1 << 20, 'x'));
        reader.feed(QByteArrayView(frame).first(14), &events);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().code, quint16(TooBig));
    }

    void closeCarriesCodeAndReason()
    {
        QByteArray payload(2, Qt::Uninitialized);
        qToBigEndian(quint16(GoingAway), payload.data());
        payload += "bye";
        const QList<Event> events = readAll(QByteArray(clientFrame(0x8, payload) + clientFrame(0x1, "ignored")));
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().kind, Event::Kind::Close);
        QCOMPARE(events.first().code, quint16(GoingAway));
        QCOMPARE(events.first().payload, QByteArray("bye"));
        const QList<Event> bare = readAll(clientFrame(0x8, {}));
        QCOMPARE(bare.first().code, quint16(NoStatus));
        const QByteArray frame = closeFrame(ProtocolError, "why");
        QCOMPARE(frame.size(), 2 + 2 + 3);
        QCOMPARE(qFromBigEndian<quint16>(frame.constData() + 2), quint16(ProtocolError));
    }

    void utf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::addRow("ascii") << QByteArray("exo1") << true;
        QTest::addRow("two-byte") << QByteArray("caf\xC3\xA9") << true;
        QTest::addRow("four-byte") << QByteArray("\xF0\x9F\x98\x80") << true;
        QTest::addRow("max code point") << QByteArray("\xF4\x8F\xBF\xBF") << true;
        QTest::addRow("above max") << QByteArray("\xF4\x90\x80\x80") << false;
        QTest::addRow("overlong slash") << QByteArray("\xC0\xAF") << false;
        QTest::addRow("overlong three-byte") << QByteArray("\xE0\x80\xAF") << false;
        QTest::addRow("surrogate") << QByteArray("\xED\xB0\x80") << false;
        QTest::addRow("lone continuation") << QByteArray("\x80") << false;
        QTest::addRow("truncated") << QByteArray("\xE2\x82") << false;
        QTest::addRow("latin-1 byte") << QByteArray("caf\xE9") << false;
        QTest::addRow("FF") << QByteArray("\xFF") << false;
    }

    void utf8()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(isValidUtf8(bytes), valid);
        // The same answer when the text arrives split anywhere.
        for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
            Utf8Validator v;
            const bool fed = v.feed(QByteArrayView(bytes).first(cut)) && v.feed(QByteArrayView(bytes).sliced(cut));
            QCOMPARE(fed && v.complete(), valid);
        }
    }

    void requestHead()
    {
        const QByteArray raw = "\r\nGET /cometd/cometd?x=1 HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\n"
                               "Connection: keep-alive, Upgrade\r\nX-Empty:\r\n\r\nrest";
        const qsizetype end = findHeadEnd(raw);
        QCOMPARE(raw.sliced(end), QByteArray("rest"));
        const auto parsed = parseRequestHead(QByteArrayView(raw).first(end));
        QVERIFY(std::holds_alternative<RequestHead>(parsed));
        const RequestHead &head = std::get<RequestHead>(parsed);
        QCOMPARE(head.method, QByteArray("GET"));
        QCOMPARE(head.target, QByteArray("/cometd/cometd?x=1"));
        QVERIFY(head.isWebSocketUpgrade());
        QCOMPARE(head.header("host"), QByteArray("a"));
        QCOMPARE(head.header("X-Empty"), QByteArray());
        const auto request = head.toRequest(QHostAddress::LocalHost);
        QVERIFY(std::holds_alternative<Request>(request));
        QCOMPARE(std::get<Request>(request).pathSegments, (QList<QString> { u"cometd"_qs, u"cometd"_qs }));
        QCOMPARE(std::get<Request>(request).query.queryItemValue(u"x"_qs), u"1"_qs);

        QCOMPARE(findHeadEnd("GET / HTTP/1.1\nHost: a\n\n"), qsizetype(24));
        QCOMPARE(findHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n"), qsizetype(-1));
    }

    void malformedHeads_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addRow("no target") << QByteArray("GET HTTP/1.1\r\n\r\n");
        QTest::addRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\n\r\n");
        QTest::addRow("not HTTP") << QByteArray("GET / FTP/1.1\r\n\r\n");
        QTest::addRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost a\r\n\r\n");
        QTest::addRow("folded header") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n");
        QTest::addRow("space in name") << QByteArray("GET / HTTP/1.1\r\nA b: c\r\n\r\n");
        QTest::addRow("NUL in value") << QByteArray("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 26);
        QTest::addRow("control in target") << QByteArray("GET /a\x01 HTTP/1.1\r\n\r\n");
    }

    void malformedHeads()
    {
        QFETCH(QByteArray, head);
        QVERIFY(std::holds_alternative<RequestHead::HeadError>(parseRequestHead(head)));
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketFrame)
#include "tst_websocketframe.moc"
