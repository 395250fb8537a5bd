# leakcheck: expect=clean
# leakcheck: source="sqlite3 in-memory database opened and closed per call"
"""An in-memory sqlite3 database opened, used and closed per call.

Each call connects to ":memory:", creates a table, inserts 50 rows, queries
them and closes the connection. sqlite's own memory comes from libc malloc
(the native_bytes signal) and is given back on close; the connection and its
statement cache are freed with it.
"""

import sqlite3


def run():
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        con.executemany("INSERT INTO t (name) VALUES (?)",
                        ((f"row{i}",) for i in range(50)))
        con.commit()
        (count,) = con.execute("SELECT count(*) FROM t WHERE name LIKE 'row%'").fetchone()
        assert count == 50
    finally:
        con.close()
