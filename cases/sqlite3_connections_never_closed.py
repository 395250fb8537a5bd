# leakcheck: expect=leak
# leakcheck: source="sqlite3 in-memory database opened per call and kept open"
"""An in-memory sqlite3 database opened per call and kept in a pool list.

Each call connects to ":memory:", fills a table, and puts the connection in
a module-level "pool" that nothing ever takes from or closes. Each connection
holds its database pages in sqlite's own malloc'ed memory (native_bytes) and
its Python objects (py_blocks, py_bytes). teardown() closes them.
"""

import sqlite3

pool = []


def run():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
    con.executemany("INSERT INTO t (name) VALUES (?)",
                    ((f"row{i}",) for i in range(50)))
    con.commit()
    pool.append(con)


def teardown():
    for con in pool:
        con.close()
    pool.clear()
