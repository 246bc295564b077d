"""A school's people as its coordinator runs them: links, leaving, specialists, messages."""

from __future__ import annotations

from storage.db import Repo


class AdminRepo(Repo):
    pass
