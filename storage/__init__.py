"""Storage: one SQLite file through aiosqlite, plain SQL, pydantic models out."""

from storage.db import Database, from_db_time, to_db_time

__all__ = ["Database", "from_db_time", "to_db_time"]
