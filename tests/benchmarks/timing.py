"""Shared by the benchmarks: the best of several runs, since these machines are noisy; and running a
measurement on SQLite and, when test.sh runs a PostgreSQL server, on a scratch database there too."""

import os
import tempfile
import time
import uuid


def best_of(runs, function):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def on_each_engine(measure, prefix: str, *args) -> None:
    """`measure(url, engine_name, *args)` on a new SQLite file, then on a new PostgreSQL database of the server
    in KLANTBEWUST_TEST_POSTGRES_URL (when set), dropped afterwards."""
    from sqlalchemy import create_engine, text

    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{folder}/{prefix}.sqlite", "SQLite", *args)
    server = os.environ.get("KLANTBEWUST_TEST_POSTGRES_URL")
    if not server:
        return
    name = f"kb_bench_{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        measure(server.rsplit("/", 1)[0] + f"/{name}", "PostgreSQL", *args)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
