"""Back up the database while the app runs, and restore a backup into a new database.

    python tools/backup.py create backups/klantbewust-2026-11-23.sqlite      # SQLite (the default database)
    python tools/backup.py create backups/klantbewust-2026-11-23.dump        # PostgreSQL: pg_dump, custom format
    python tools/backup.py restore backups/klantbewust-2026-11-23.sqlite sqlite:////srv/klantbewust/new.sqlite
    python tools/backup.py restore backups/klantbewust-2026-11-23.dump postgresql+psycopg://u:p@host/new_db

`create` backs up the database of KLANTBEWUST_DATABASE_URL (or `--url`). On SQLite it uses SQLite's online
backup API: one consistent snapshot, taken while the app goes on writing. On PostgreSQL it runs `pg_dump`,
which reads one consistent snapshot too. `restore` writes a backup into a new, empty database (never over
an existing one) and checks it: the schema version is known and every reference resolves.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from storage.db import Database, database_url  # noqa: E402


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on the PATH, or from Debian's server package."""
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        raise SystemExit(f"{name} not found: install Debian's postgresql-client")
    return str(found)


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as the postgresql:// URL that pg_dump understands."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _snapshot_taken() -> None:
    """Say that the backup's view of the database is fixed: what is committed from now on is not in it."""
    print("backup: snapshot taken", flush=True)


def create(target: Path, url: str) -> Path:
    """Back up the database at `url` into `target`. The backup holds exactly what was committed when it printed
    "snapshot taken" (a read transaction on SQLite, an exported snapshot on PostgreSQL), whatever is written
    while it runs."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url), isolation_level=None)
        destination = sqlite3.connect(target)
        try:
            source.execute("BEGIN")  # a read transaction: its first read fixes the snapshot (WAL)
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            _snapshot_taken()
            with destination:
                source.backup(destination)  # all pages in one step, inside that read transaction
            source.execute("COMMIT")
        finally:
            destination.close()
            source.close()
    else:
        import psycopg
        with psycopg.connect(_libpq(url), autocommit=True) as holder:
            # the snapshot is exported by a transaction that stays open until pg_dump has imported it
            holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = holder.execute("SELECT pg_export_snapshot()").fetchone()[0]
            _snapshot_taken()
            subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                            f"--file={target}", _libpq(url)], check=True)
            holder.execute("COMMIT")
    return target


def restore(source: Path, url: str) -> None:
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path.exists() and path.stat().st_size:
            raise SystemExit(f"{path} exists: restore into a new database")
        path.parent.mkdir(parents=True, exist_ok=True)
        backup = sqlite3.connect(source)
        destination = sqlite3.connect(path)
        try:
            with destination:
                backup.backup(destination)
        finally:
            destination.close()
            backup.close()
    else:
        engine = create_engine(url)
        with engine.connect() as connection:
            tables = connection.execute(text("SELECT count(*) FROM information_schema.tables "
                                             "WHERE table_schema = 'public'")).scalar()
        engine.dispose()
        if tables:
            raise SystemExit("the target database is not empty: restore into a new database")
        subprocess.run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={_libpq(url)}",
                        str(source)], check=True)
    check(url)


def check(url: str) -> None:
    """The restored database opens as the app opens it (migrations to the latest version) and is whole."""
    database = Database(url)
    try:
        with database.read() as session:
            version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if database.is_sqlite:
                problems = session.execute(text("PRAGMA foreign_key_check")).all()
                whole = session.execute(text("PRAGMA integrity_check")).scalar()
                if problems or whole != "ok":
                    raise SystemExit(f"the restored database is not whole: {whole}, {len(problems)} broken references")
        print(f"restored: schema version {version}")
    finally:
        database.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("create", help="back up the running database")
    made.add_argument("target", type=Path)
    made.add_argument("--url", default=None, help="the database (default: KLANTBEWUST_DATABASE_URL)")
    back = commands.add_parser("restore", help="restore a backup into a new database")
    back.add_argument("source", type=Path)
    back.add_argument("url", help="the new database, e.g. sqlite:////srv/klantbewust/restored.sqlite")
    arguments = parser.parse_args(argv)
    if arguments.command == "create":
        print(f"backup: {create(arguments.target, arguments.url or database_url())}")
    else:
        restore(arguments.source, arguments.url)


if __name__ == "__main__":
    main()
