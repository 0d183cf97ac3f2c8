#!/usr/bin/env python3
"""What each commit of a Switchboard store writes: frames per commit, by the b-tree that owns
each page (decisions §49).

Usage: scripts/wal-frames.py STORE.sqlite

Copy a live store and its -wal first (cp x.sqlite x.sqlite-wal /tmp/copy/): this reads the
current generation of the WAL (the frames whose salts match its header), writes that part
back over the copy's WAL and asks SQLite's dbstat which table or index owns each page.
Works on the copy it is given; never point it at a store a process has open.
"""
import collections
import sqlite3
import struct
import sys


def main(path: str) -> None:
    wal_path = path + "-wal"
    with open(wal_path, "rb") as file:
        wal = file.read()
    if len(wal) < 32:
        sys.exit(f"{wal_path}: no WAL header")
    _, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">IIIIIIII", wal[:32])
    offset, commits, current = 32, [], []
    while offset + 24 + page_size <= len(wal):
        page, size_after_commit, frame_salt1, frame_salt2, _, _ = struct.unpack(">IIIIII", wal[offset:offset + 24])
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break  # an older generation's frames follow
        current.append(page)
        if size_after_commit:
            commits.append(current)
            current = []
        offset += 24 + page_size
    with open(wal_path, "wb") as file:
        file.write(wal[:offset])
    owners = {page: name for name, page in sqlite3.connect(path).execute("SELECT name, pageno FROM dbstat")}
    frames = collections.Counter(owners.get(page, "(new or free page)") for commit in commits for page in commit)
    count = max(1, len(commits))
    print(f"{len(commits)} commits, {sum(frames.values()) / count:.2f} frames per commit (page size {page_size})")
    for name, total in frames.most_common():
        print(f"  {name:40} {total:7}  {total / count:.2f} per commit")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
