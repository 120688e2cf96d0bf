#include "naturalsortproxymodel.h"

namespace AdminGui {

namespace {

qsizetype digitRunEnd(QStringView s, qsizetype from)
{
    while (from < s.size() && s[from].isDigit())
        ++from;
    return from;
}

// Two runs of digits by value, however long: leading zeros dropped, then length, then digits.
int compareNumbers(QStringView a, QStringView b)
{
    while (a.size() > 1 && a.front() == u'0')
        a = a.mid(1);
    while (b.size() > 1 && b.front() == u'0')
        b = b.mid(1);
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b);
}

} // namespace

int NaturalSortProxyModel::compare(QStringView left, QStringView right)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < left.size() && j < right.size()) {
        if (left[i].isDigit() && right[j].isDigit()) {
            const qsizetype iEnd = digitRunEnd(left, i);
            const qsizetype jEnd = digitRunEnd(right, j);
            if (const int c = compareNumbers(left.sliced(i, iEnd - i), right.sliced(j, jEnd - j))) return c;
            i = iEnd;
            j = jEnd;
            continue;
        }
        const char16_t a = left[i].toCaseFolded().unicode();
        const char16_t b = right[j].toCaseFolded().unicode();
        if (a != b) return a < b ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < left.size() || j < right.size()) return i < left.size() ? 1 : -1;
    return left.compare(right); // equal but for case or leading zeros: still a total order
}

bool NaturalSortProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    if (l.typeId() != QMetaType::QString || r.typeId() != QMetaType::QString)
        return QSortFilterProxyModel::lessThan(left, right);
    return compare(l.toString(), r.toString()) < 0;
}

} // namespace AdminGui
