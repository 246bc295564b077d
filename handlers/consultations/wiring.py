"""The consultations' handlers, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler, CommandHandler

from handlers.consultations import (
    booking,
    calendar,
    desk,
    free_time,
    history,
    holidays,
    mine,
    routes,
    series,
    series_desk,
    waitlist,
    weekly,
)
from handlers.ui import button


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("today", desk.today_command),
        CommandHandler("week", desk.week_command),
        # Booking (pupil or parent).
        button(routes.BOOK_START, booking.start),
        button(routes.BOOK_FOR, booking.show_offers),
        button(routes.SLOTS, booking.show_slots),
        button(routes.SLOT_CHOSEN, booking.ask_note),
        button(routes.CONFIRM, booking.confirm),
        button(routes.BOOK, booking.book),
        button(routes.IN_CHAT, booking.choose_chat),
        # My consultations, and the evidence.
        button(routes.MY_LIST, mine.show_list),
        button(routes.MY_BOOKING, mine.show_booking),
        button(routes.ICS, mine.send_ics),
        button(routes.MOVE, mine.show_move),
        button(routes.MOVE_TO, mine.move_to),
        button(routes.CANCEL, mine.ask_cancel),
        button(routes.CANCEL_OK, mine.cancel),
        button(routes.TAKE_PROPOSAL, mine.take_proposal),
        button(routes.REFUSE_PROPOSAL, mine.refuse_proposal),
        button(routes.TOOK_PLACE, mine.took_place),
        button(routes.DID_NOT, mine.did_not),
        # The specialist's desk.
        button(routes.INBOX, desk.show_inbox),
        button(routes.TODAY, desk.show_today),
        button(routes.WEEK, desk.show_week),
        button(routes.SESSION, desk.show_session),
        button(routes.ACCEPT, desk.accept),
        button(routes.DECLINE, desk.ask_decline),
        button(routes.PROPOSALS, desk.show_proposals),
        button(routes.PROPOSE, desk.propose),
        button(routes.HELD, desk.held),
        button(routes.MISSED, desk.missed),
        button(routes.SPECIALIST_CANCEL, desk.ask_cancel),
        button(routes.CALL, desk.ask_call),
        button(routes.HOLD_IN_CHAT, desk.hold_in_chat),
        # The specialist's free time.
        button(routes.FREE_TIME, free_time.show),
        button(routes.WEEKLY, free_time.choose_weekday),
        button(routes.WEEKLY_DAY, free_time.ask_weekly),
        button(routes.ONE_OFF, free_time.ask_one_off),
        button(routes.WEEKLY_AT, free_time.choose_weekday_at),
        button(routes.WEEKLY_DAY_AT, free_time.ask_weekly_at),
        button(routes.ONE_OFF_AT, free_time.ask_one_off_at),
        button(routes.WITHDRAW, free_time.withdraw),
        button(routes.REMOVE_RULE, free_time.remove_rule),
        button(routes.AUTO_CONFIRM, free_time.set_auto),
        # The specialist's own calendar: weekly hours edited, days off, the feed.
        button(routes.RULE, weekly.show_rule),
        button(routes.RULE_HOURS, weekly.ask_hours),
        button(routes.RULE_UNTIL, weekly.ask_until),
        button(routes.DAYS_OFF, holidays.show_days_off),
        button(routes.DAY_OFF, holidays.ask_days_off),
        button(routes.UNDO_DAYS_OFF, holidays.undo),
        button(routes.BOOKED_OFF, holidays.show_booked),
        button(routes.PROPOSE_ALL, holidays.propose_all),
        button(routes.FEED, calendar.send_feed),
        # The family's history.
        button(routes.HISTORY, history.show_history),
        # The waiting list, and series.
        button(routes.WAIT_JOIN, waitlist.ask_whom),
        button(routes.WAIT_WHEN, waitlist.ask_when),
        button(routes.WAIT_IN, waitlist.join),
        button(routes.WAIT_PLACE, waitlist.show_place),
        button(routes.WAIT_LEAVE, waitlist.leave),
        button(routes.OFFER_BOOK, waitlist.book_offer),
        button(routes.OFFER_DECLINE, waitlist.decline_offer),
        button(routes.WAITING, series_desk.show_waiting),
        button(routes.SERIES, series.preview),
        button(routes.SERIES_BOOK, series.book),
        button(routes.SERIES_OF, series.show_series),
        button(routes.CANCEL_FOLLOWING, series.ask_cancel_following),
        button(routes.CANCEL_FOLLOWING_OK, series.cancel_following),
        button(routes.MOVE_FOLLOWING, series.show_move_following),
        button(routes.MOVE_FOLLOWING_TO, series.move_following),
        button(routes.SERIES_ACCEPT, series_desk.accept_all),
        button(routes.SERIES_DECLINE, series_desk.ask_decline_all),
        button(routes.SERIES_CANCEL, series_desk.ask_cancel_all),
    ]
