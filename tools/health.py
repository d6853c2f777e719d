"""Health check that includes the database, for a load balancer or monitoring (Streamlit's /_stcore/health only
says that Streamlit runs).

    python tools/health.py            # prints "ok" and exits 0, or "unavailable: <reason>" and exits 1

It uses KLANTBEWUST_DATABASE_URL like the app, opens the database (connect, take the write lock, one write that
changes nothing) and gives up after KLANTBEWUST_SQLITE_BUSY_SECONDS on a busy SQLite file. It prints no personal
data. The reasons: unreachable, full, read_only, busy, and no_tables (the database answers but has no tables
yet: the app has not started on it, or its migration has not run). It never creates tables itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.db import NO_TABLES, Database, StorageUnavailable  # noqa: E402

EXPLAINED = {NO_TABLES: "the database has no tables yet; start the app once, or run its migration"}


def main() -> int:
    try:
        database = Database(migrate=False)
        reason = database.check()
        database.dispose()
    except StorageUnavailable as unavailable:
        reason = unavailable.reason
    if reason is None:
        print("ok")
        return 0
    print(f"unavailable: {reason}" + (f" ({EXPLAINED[reason]})" if reason in EXPLAINED else ""))
    return 1


if __name__ == "__main__":
    sys.exit(main())
