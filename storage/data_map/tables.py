"""Every table of the database, what in it points to a person, and how it is treated."""

from __future__ import annotations

from storage.data_map.kinds import About, Col, Erase, Keep, Prune, Table

# Keys of other sections that bound how long something is kept.
OTHER_KEYS = {"code_ttl_hours": "linking", "lockout_minutes": "linking"}

REGISTER = Keep("the school's register: imported and removed by the school, not the account's")
SCHOOL_RECORD = Keep("the school's record of support given (hours, evidence, payments)")

_ = Col
TABLES: tuple[Table, ...] = (
    Table(
        "regions",
        (_("name", About.NOTHING, Erase.KEEP, note="a region"),),
        "",
        "no personal data",
        (Keep("no personal data"),),
    ),
    Table(
        "schools",
        (_("name", About.NOTHING, Erase.KEEP, note="a school"),),
        "",
        "no personal data",
        (Keep("no personal data"),),
    ),
    Table(
        "pupils",
        (_("display_name", About.NAME, Erase.KEEP),),
        "children",
        "names to the guardian; the pupil's own link in account",
        (REGISTER,),
    ),
    Table(
        "guardians",
        (_("display_name", About.NAME, Erase.KEEP),),
        "account",
        "the guardian's own link",
        (REGISTER,),
    ),
    Table(
        "guardian_pupils",
        (
            _("guardian_id", About.GUARDIAN, Erase.KEEP),
            _("pupil_id", About.PUPIL, Erase.KEEP),
        ),
        "children",
        "the guardian",
        (REGISTER,),
    ),
    Table(
        "specialists",
        (_("display_name", About.NAME, Erase.KEEP),),
        "account",
        "the specialist's own link",
        (REGISTER,),
    ),
    Table(
        "specialist_subjects",
        (
            _("specialist_id", About.SPECIALIST, Erase.KEEP),
            _("subject", About.NOTHING, Erase.KEEP, note="a school subject"),
        ),
        "",
        "the school's register of who teaches what",
        (REGISTER,),
    ),
    Table(
        "coordinators",
        (_("display_name", About.NAME, Erase.KEEP),),
        "account",
        "the coordinator's own link",
        (REGISTER,),
    ),
    Table(
        "plans",
        (_("pupil_id", About.PUPIL, Erase.KEEP),),
        "plans",
        "the pupil and the guardians",
        (REGISTER,),
    ),
    Table(
        "plan_measures",
        (_("subject", About.NOTHING, Erase.KEEP, note="a school subject"),),
        "plans",
        "the pupil and the guardians (in each plan)",
        (REGISTER,),
    ),
    Table(
        "accounts",
        (
            _("telegram_id", About.ACCOUNT, Erase.DELETE),
            _("language", About.PREFERENCE, Erase.DELETE),
            _("telegram_language", About.PREFERENCE, Erase.DELETE),
        ),
        "account",
        "the account",
        (
            Prune("unlinked_account_days", "accounts that never linked"),
            Keep("a linked account stays until erased or unlinked"),
        ),
    ),
    Table(
        "account_links",
        (
            _("telegram_id", About.ACCOUNT, Erase.DELETE),
            _("person_id", About.PERSON, Erase.DELETE),
        ),
        "account",
        "the account",
        (Keep("as long as the account is linked"),),
    ),
    Table(
        "link_codes",
        (
            _("person_id", About.PERSON, Erase.KEEP),
            _("used_by", About.ACCOUNT, Erase.SET, blank="NULL"),
        ),
        "",
        "a hash of a code, the school's",
        (Prune("code_ttl_hours", "codes past their expiry, used or not"),),
    ),
    Table(
        "link_failures",
        (_("who", About.KEYED_ACCOUNT, Erase.KEEP, note="erasing must not reset the throttle"),),
        "",
        "an HMAC, not the id; only the throttles read it",
        (Prune("lockout_minutes", "wrong tries once no throttle looks at them"),),
    ),
    Table(
        "audit_log",
        (
            _("actor_telegram_id", About.ACCOUNT, Erase.SET, blank="NULL"),
            _("subject", About.PUPILS, Erase.KEEP, note="'pupil:<id>'; 'account:<id>' deleted"),
            _("detail", About.NOTHING, Erase.KEEP, note="counts and switches only"),
        ),
        "reads",
        "the pupil and the guardians: who read the pupil's data (role and name)",
        (Prune("audit_retention_days", "every row"),),
    ),
    Table(
        "account_settings",
        (
            _("telegram_id", About.ACCOUNT, Erase.DELETE),
            _("name", About.NOTHING, Erase.DELETE, note="the setting's name"),
            _("value", About.PREFERENCE, Erase.DELETE, note="also the question awaited"),
        ),
        "settings",
        "the account",
        (Keep("as long as the account"),),
    ),
    Table(
        "crisis_events",
        (
            _("telegram_id", About.ACCOUNT, Erase.SET, blank="0"),
            _("pupil_id", About.PUPIL, Erase.KEEP),
            _("language", About.PREFERENCE, Erase.KEEP),
        ),
        "crisis_events",
        "the writer: when and which list, never the words",
        (Prune("crisis_event_retention_days", "every row"),),
    ),
    Table(
        "reminders",
        (
            _("chat_id", About.ACCOUNT, Erase.DELETE),
            _("payload", About.NOTHING, Erase.DELETE, note="ids only; facts are read at send"),
        ),
        "scheduled_messages",
        "the account: how many are planned",
        (
            Prune("reminder_retention_days", "sent, expired, failed or cancelled ones"),
            Keep("a pending one until it is sent"),
        ),
    ),
    Table(
        "availability_rules",
        (_("specialist_id", About.SPECIALIST, Erase.KEEP),),
        "",
        "the school's timetable of a specialist",
        (Keep("the school's timetable"),),
    ),
    Table(
        "days_off",
        (_("specialist_id", About.SPECIALIST, Erase.KEEP),),
        "",
        "the school's timetable of a specialist",
        (Keep("the school's timetable"),),
    ),
    Table(
        "slots",
        (
            _("specialist_id", About.SPECIALIST, Erase.KEEP),
            _("held_for", About.PUPIL, Erase.KEEP, note="only while an offer is open"),
        ),
        "",
        "the school's timetable; a hold shows in the pupil's waitlist offers",
        (Keep("the school's timetable"),),
    ),
    Table(
        "specialist_settings",
        (_("specialist_id", About.SPECIALIST, Erase.KEEP),),
        "",
        "a switch of the specialist's work, the school's",
        (Keep("the school's timetable"),),
    ),
    Table(
        "bookings",
        (
            _("pupil_id", About.PUPIL, Erase.KEEP),
            _("specialist_id", About.SPECIALIST, Erase.KEEP),
            _("subject", About.NOTHING, Erase.KEEP, note="a school subject"),
            _("booked_by", About.ACCOUNT, Erase.SET, blank="0"),
            _("evidence_by", About.ACCOUNT, Erase.SET, blank="NULL"),
            _("ended_by", About.NOTHING, Erase.KEEP, note="a role, not an account"),
            _("note", About.WORDS, Erase.BLANK, text_until="ends_at", note="erase_account"),
            _(
                "reason",
                About.WORDS,
                Erase.BLANK,
                text_until="ends_at",
                note="blank_specialist_words",
            ),
            _("call_link", About.WORDS, Erase.BLANK, note="typed details: blank_specialist_words"),
        ),
        "bookings",
        "the pupil and the guardians, notes and call links included",
        (Prune("free_text_retention_days", "notes and reasons blanked"), SCHOOL_RECORD),
    ),
    Table(
        "caterers",
        (_("display_name", About.NOTHING, Erase.KEEP, note="a company"),),
        "account",
        "the caterer's own link",
        (REGISTER,),
    ),
    Table("caterer_schools", (), "", "no personal data", (REGISTER,)),
    Table(
        "meal_subscriptions",
        (
            _("pupil_id", About.PUPIL, Erase.KEEP),
            _("address", About.CONTACT, Erase.BLANK, note="erase_account: stopped"),
            _("phone", About.CONTACT, Erase.BLANK, note="erase_account: stopped"),
            _("dietary_note", About.WORDS, Erase.BLANK, note="erase_account"),
            _("created_by", About.ACCOUNT, Erase.BLANK, note="erase_account: 0"),
        ),
        "meals",
        "the pupil and the guardians, address, phone and diet included",
        (
            Prune(
                "free_text_retention_days",
                "a stopped one's address, phone and dietary note blanked",
            ),
            Keep("an active or paused one: meals are delivered there"),
        ),
    ),
    Table(
        "meal_deliveries",
        (
            _("marked_by", About.ACCOUNT, Erase.SET, blank="NULL"),
            _("fail_reason", About.NOTHING, Erase.KEEP, text_until="marked_at", note="a code"),
        ),
        "meal_deliveries",
        "the pupil and the guardians",
        (Prune("free_text_retention_days", "the reason blanked"), SCHOOL_RECORD),
    ),
    Table(
        "internship_days",
        (_("pupil_id", About.PUPIL, Erase.KEEP),),
        "internship_days",
        "the student and the guardians",
        (SCHOOL_RECORD,),
    ),
    Table(
        "transport_claims",
        (
            _("pupil_id", About.PUPIL, Erase.KEEP),
            _("ticket_file_id", About.FILE, Erase.KEEP, note="the evidence of the payment"),
            _("reason", About.WORDS, Erase.BLANK, text_until="decided_at", note="erase_account"),
            _("submitted_by", About.ACCOUNT, Erase.SET, blank="0"),
            _("decided_by", About.ACCOUNT, Erase.SET, blank="NULL"),
        ),
        "claims",
        "the student and the guardians",
        (Prune("free_text_retention_days", "the reason blanked"), SCHOOL_RECORD),
    ),
    Table(
        "care_alerts",
        (
            _("telegram_id", About.ACCOUNT, Erase.BLANK, note="CareRepo.forget_account: 0"),
            _("pupil_ids", About.PUPILS, Erase.KEEP),
            _("about", About.NOTHING, Erase.KEEP, note="'self' or 'other'"),
            _("taken_by", About.ACCOUNT, Erase.BLANK, note="CareRepo.forget_account: 0"),
            _("taken_name", About.NAME, Erase.BLANK, note="CareRepo.forget_account"),
        ),
        "alerts",
        "the writer: when, the topic, who took it; not to the staff who took it",
        (Prune("care_retention_days", "every row no kept conversation refers to"),),
    ),
    Table(
        "relay_sessions",
        (
            _("person_chat", About.ACCOUNT, Erase.BLANK, note="CareRepo.forget_account: 0"),
            _("person_role", About.NOTHING, Erase.KEEP, note="a role"),
            _("person_name", About.NAME, Erase.BLANK, note="CareRepo.forget_account"),
            _("staff_chat", About.ACCOUNT, Erase.BLANK, note="CareRepo.forget_account: 0"),
            _("staff_name", About.NAME, Erase.BLANK, note="CareRepo.forget_account"),
            _("ended_by", About.ACCOUNT, Erase.BLANK, note="CareRepo.forget_account: 0"),
        ),
        "conversations",
        "both sides: with whom and when, never the messages",
        (Prune("care_retention_days", "conversations that ended"),),
    ),
    Table(
        "waitlist",
        (
            _("pupil_id", About.PUPIL, Erase.KEEP),
            _("specialist_id", About.SPECIALIST, Erase.KEEP),
            _("subject", About.NOTHING, Erase.KEEP, note="a school subject"),
            _(
                "weekdays",
                About.PREFERENCE,
                Erase.KEEP,
                note="the pupil's place, not the account's",
            ),
            _("day_parts", About.PREFERENCE, Erase.KEEP),
            _("joined_by", About.ACCOUNT, Erase.SET, blank="0"),
            _("end_reason", About.NOTHING, Erase.KEEP, note="a code: booked, left, ended"),
        ),
        "waitlist",
        "the pupil and the guardians, with each offer",
        (
            Prune("waitlist_retention_days", "places closed (booked, left, ended) and offers"),
            Keep("an open place until it closes"),
        ),
    ),
    Table(
        "waitlist_offers",
        (_("pupil_id", About.PUPIL, Erase.KEEP),),
        "waitlist",
        "the pupil and the guardians (in each place)",
        (Prune("waitlist_retention_days", "with their place"),),
    ),
    Table(
        "series",
        (
            _("pupil_id", About.PUPIL, Erase.KEEP),
            _("specialist_id", About.SPECIALIST, Erase.KEEP),
            _("subject", About.NOTHING, Erase.KEEP, note="a school subject"),
            _("booked_by", About.ACCOUNT, Erase.SET, blank="0"),
        ),
        "series",
        "the pupil and the guardians",
        (Keep("with its sessions (bookings.series_id), the school's record"),),
    ),
    Table(
        "payment_exports",
        (_("created_by", About.ACCOUNT, Erase.SET, blank="0"),),
        "",
        "a coordinator's act on the school's payment record, not about them",
        (Keep("the school's payment record"),),
    ),
    Table(
        "broadcasts",
        (
            _("text", About.WORDS, Erase.BLANK, note="erase_account: deleted once sent"),
            _("sent_by", About.ACCOUNT, Erase.SET, blank="0"),
        ),
        "broadcasts",
        "the coordinator who wrote it",
        (Prune("broadcast_retention_days", "every message once all its copies were sent"),),
    ),
    Table(
        "calendar_copies",
        (_("telegram_id", About.ACCOUNT, Erase.DELETE, note="cascades with the account"),),
        "calendar_copies",
        "the account that was given the file",
        (Prune("calendar_copy_retention_days", "copies of sessions that are over"),),
    ),
)
