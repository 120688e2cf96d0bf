#!/bin/sh
# fix-dbgsym.sh DDEB...: mends the debug-symbol packages CPack 3.25 writes so that they are what
# Debian's own -dbgsym packages are: its md5sums name files by their build-tree path (lintian:
# md5sums-lists-nonexistent-file), the .debug files are executable, and the package has no
# /usr/share/doc entry (Debian links it to the package it belongs to, for copyright and changelog).
# Run by CPack after it writes the packages (fix-dbgsym.cmake).
set -eu
for ddeb in "$@"; do
    work=$(mktemp -d)
    dpkg-deb -R "$ddeb" "$work/root"
    package=$(sed -n 's/^Package: //p' "$work/root/DEBIAN/control")
    owner=${package%-dbgsym}
    find "$work/root/usr/lib/debug" -type f -exec chmod 0644 {} +
    mkdir -p "$work/root/usr/share/doc"
    ln -s "$owner" "$work/root/usr/share/doc/$package"
    (cd "$work/root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$work/root/DEBIAN/md5sums"
    chmod 0644 "$work/root/DEBIAN/md5sums"
    dpkg-deb --root-owner-group -b "$work/root" "$ddeb" >/dev/null
    rm -rf "$work"
done
