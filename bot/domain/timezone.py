"""The programme's time zone. PuMPuRS is Latvia's: every wall-clock time is Riga time."""

from zoneinfo import ZoneInfo

PROGRAMME_TZ = ZoneInfo("Europe/Riga")
