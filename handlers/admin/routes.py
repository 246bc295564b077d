"""Buttons of running a school (ad). A school is an index into the actor's own schools."""

from __future__ import annotations

from bot.domain.admin import Audience
from bot.domain.models import Role, SpecialistKind
from handlers.buttons import FLAG, ID, PAGE, Choice, Int, Route

INDEX = Int(0, 999)
ROLE = Choice(Role)
GRADE = Int(0, 12)  # 0: every grade

HOME = Route("ad", "home")
SCHOOL = Route("ad", "school", (INDEX,))
GRADES = Route("ad", "grades", (INDEX,))
LIST = Route("ad", "list", (INDEX, ROLE, GRADE, PAGE))
PERSON = Route("ad", "who", (ROLE, ID))
CODE = Route("ad", "code", (ROLE, ID))
UNLINK = Route("ad", "unlink", (ROLE, ID))
LEAVE = Route("ad", "leave", (ROLE, ID))  # asks to confirm
LEAVE_OK = Route("ad", "left", (ROLE, ID))
DUTIES = Route("ad", "duties", (INDEX,))
DUTY = Route("ad", "duty", (INDEX, ID, FLAG))
ADD_SPECIALIST = Route("ad", "addsp", (INDEX,))
KIND = Route("ad", "kind", (Choice(SpecialistKind),))
ADD_DUTY = Route("ad", "adddu", (FLAG,))
CANCEL = Route("ad", "cancel")
MESSAGE = Route("ad", "msg", (INDEX,))
AUDIENCE = Route("ad", "aud", (INDEX, Choice(Audience), GRADE))
SEND = Route("ad", "send")
