"""Buttons of consultations: booking (bk), my consultations (mc), evidence (ev), desk (sp),
the waiting list (wl) and series (sr)."""

from __future__ import annotations

from handlers.buttons import DAY, FLAG, ID, PAGE, WEEKDAY, Int, Route, Word

# Booking, the pupil's or parent's: pupil, measure, then a slot.
BOOK_START = Route("bk", "start")
BOOK_FOR = Route("bk", "kid", (ID,))
SLOTS = Route("bk", "k", (ID, ID, PAGE))
SLOT_CHOSEN = Route("bk", "s", (ID, ID, ID))  # asks the note
CONFIRM = Route("bk", "c", (ID, ID, ID))
BOOK = Route("bk", "ok", (ID, ID, ID))
IN_CHAT = Route("bk", "ch", (ID, ID, ID, FLAG))  # an emotional-support session held here

# My consultations (a booking id first).
MY_LIST = Route("mc", "list")
MY_BOOKING = Route("mc", "b", (ID,))
ICS = Route("mc", "ics", (ID,))
MOVE = Route("mc", "mv", (ID, PAGE))
MOVE_TO = Route("mc", "mt", (ID, ID))
CANCEL = Route("mc", "cx", (ID,))
CANCEL_OK = Route("mc", "cxok", (ID,))
TAKE_PROPOSAL = Route("mc", "pa", (ID,))
REFUSE_PROPOSAL = Route("mc", "pr", (ID,))
TOOK_PLACE = Route("ev", "yes", (ID,))
DID_NOT = Route("ev", "no", (ID,))

# The specialist's desk.
INBOX = Route("sp", "in")
TODAY = Route("sp", "today")
WEEK = Route("sp", "week")
SESSION = Route("sp", "b", (ID,))
ACCEPT = Route("sp", "acc", (ID,))
DECLINE = Route("sp", "dec", (ID,))  # asks the reason
PROPOSALS = Route("sp", "pr", (ID, PAGE))
PROPOSE = Route("sp", "pt", (ID, ID))
HELD = Route("sp", "held", (ID,))
MISSED = Route("sp", "miss", (ID,))
SPECIALIST_CANCEL = Route("sp", "cx", (ID,))  # asks the reason
CALL = Route("sp", "call", (ID,))  # asks the call details
HOLD_IN_CHAT = Route("sp", "chat", (ID,))  # the session is a conversation in the chat

# The specialist's free time.
FREE_TIME = Route("sp", "free")
WEEKLY = Route("sp", "wk")
WEEKLY_DAY = Route("sp", "wday", (WEEKDAY,))  # asks the hours
ONE_OFF = Route("sp", "one")  # asks a date and time
DAY_OFF = Route("sp", "off")  # asks a date
WITHDRAW = Route("sp", "wd", (ID,))
REMOVE_RULE = Route("sp", "rx", (ID,))
AUTO_CONFIRM = Route("sp", "auto", (FLAG,))

# The specialist's own calendar: the feed, days off, weekly hours edited, one school's time.
FEED = Route("sp", "feed")  # the .ics of the next 8 weeks
DAYS_OFF = Route("sp", "offs")
UNDO_DAYS_OFF = Route("sp", "offx", (DAY, DAY))
BOOKED_OFF = Route("sp", "offb", (DAY, DAY))  # the sessions booked in days off
PROPOSE_ALL = Route("sp", "offp", (DAY, DAY))  # new times for all of them
RULE = Route("sp", "rule", (ID,))
RULE_HOURS = Route("sp", "rh", (ID,))  # asks the new hours
RULE_UNTIL = Route("sp", "ru", (ID,))  # asks the last date
WEEKLY_AT = Route("sp", "wkat", (ID,))  # weekly hours at one school (a specialist record)
WEEKLY_DAY_AT = Route("sp", "wdat", (ID, WEEKDAY))
ONE_OFF_AT = Route("sp", "oneat", (ID,))

# The family's history of sessions.
HISTORY = Route("mc", "hist", (PAGE,))
# The waiting list (wl): a place in line for one measure, and the offers of freed times.
ANY = Int(0, 2**62)  # a specialist's id, or 0: any suitable specialist
WEEKDAY_MASK = Int(0, 127)  # bit 0 = Monday; 0 = any day
PART_MASK = Int(0, 7)  # bit 0 = morning, 1 = afternoon, 2 = evening; 0 = any time
WAIT_JOIN = Route("wl", "j", (ID, ID))  # pupil, measure: whom to wait for
WAIT_WHEN = Route("wl", "t", (ID, ID, ANY, WEEKDAY_MASK, PART_MASK))  # the days and times
WAIT_IN = Route("wl", "in", (ID, ID, ANY, WEEKDAY_MASK, PART_MASK))  # take the place
WAIT_PLACE = Route("wl", "p", (ID,))
WAIT_LEAVE = Route("wl", "x", (ID,))
OFFER_BOOK = Route("wl", "ok", (ID,))
OFFER_DECLINE = Route("wl", "no", (ID,))
WAITING = Route("wl", "fig", (Word(frozenset({"s", "r"})), Int(0, 999)))  # a coordinator's

# A series (sr): pupil, measure, first slot and every how many weeks; then the series.
EVERY = Int(1, 2)
SERIES = Route("sr", "v", (ID, ID, ID, EVERY))  # what it would book
SERIES_BOOK = Route("sr", "ok", (ID, ID, ID, EVERY))
SERIES_OF = Route("sr", "s", (ID,))
CANCEL_FOLLOWING = Route("sr", "cx", (ID,))  # a session of it: this and all following
CANCEL_FOLLOWING_OK = Route("sr", "cxok", (ID,))
MOVE_FOLLOWING = Route("sr", "mv", (ID, PAGE))  # a session of it: the new times
MOVE_FOLLOWING_TO = Route("sr", "mt", (ID, ID))
SERIES_ACCEPT = Route("sr", "acc", (ID,))
SERIES_DECLINE = Route("sr", "dec", (ID,))  # asks the reason
SERIES_CANCEL = Route("sr", "cxall", (ID,))  # asks the reason
