"""The bot starts without matplotlib and openpyxl: they load with the first chart or file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
from bot.cli import main  # what `pumpurs-bot run` imports
from bot.app import build_application
from bot.config import parse_config
from bot.localchat.transport import InProcessBotApi
build_application(parse_config({}), request=InProcessBotApi(), token="1:x")
print(sorted(name for name in ("matplotlib", "openpyxl") if name in sys.modules))
"""


def test_charts_and_workbooks_are_not_imported_at_start() -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
