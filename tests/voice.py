"""The second-person forms of Latvian and Russian that tell the two voices apart.

Pupils are addressed as "tu"/"ты", everyone else as "jūs"/"вы". Pronouns and possessives are
told apart for sure; of the verb forms, the endings that belong to one voice only (Latvian
"-iet"/"-ieties", Russian "-те"/"-тесь" and "-шь"), and a list of the informal commands,
verbs and greetings the bot uses, whose ending alone would be ambiguous ("izvēlies", "esi",
"выбери", "привет").
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_WORD = re.compile(r"\w+")

_POLITE_WORDS = {
    "lv": {
        *("jūs", "jums", "jūsu", "jūsējais", "jūsējā", "jūsējo", "jūsējie", "jūsējās"),
        # 2nd person plural whose ending is no sure sign: present and past tense.
        *("esat", "varat", "gribat", "vēlaties", "jūtaties", "saņēmāt", "atbildējāt"),
    },
    "ru": {
        *("вы", "вас", "вам", "вами"),
        *("ваш", "ваша", "ваше", "ваши", "вашего", "вашей", "вашему", "вашим", "ваших"),
        *("вашими", "вашу"),
    },
}
_INFORMAL_WORDS = {
    "lv": {
        *("tu", "tev", "tevi", "tevis", "tevī"),
        *("tavs", "tava", "tavu", "tavi", "tavas", "tavā", "tavam", "tavai", "taviem", "tavām"),
        *("tavos", "tavās", "tavējais"),
        # 2nd person singular, and commands, where the ending alone could be another form.
        *("esi", "vari", "gribi", "zini", "jūties", "saņēmi", "atbildēji", "saņemsi", "varēsi"),
        *("atvaino", "ievadi", "uzraksti", "pārbaudi", "mēģini", "apstiprini", "atsūti"),
        *("spied", "nospied", "zvani", "sāc", "paskaties", "apskati", "izvēlies", "vēlies"),
        *("sazinies", "pieskaries"),
    },
    "ru": {
        *("ты", "тебя", "тебе", "тобой", "тобою"),
        *("твой", "твоя", "твоё", "твое", "твои", "твоего", "твоей", "твоему", "твоим"),
        *("твоих", "твоими", "твою"),
        *("привет", "извини", "выбери", "напиши", "нажми", "введи", "попробуй", "проверь"),
        *("подтверди", "попроси", "отметь", "звони", "позвони", "свяжись", "обратись"),
        *("посмотри", "оставь", "открой", "загляни", "начни", "отправь", "добавь"),
    },
}
# Latvian "iet" (to go) and its prefixed forms end like a polite command but are not one.
_LV_GO = re.compile(r"(?:ai|at|ie|iz|no|pa|pār|pie|sa|uz)?iet")


def _words(text: str) -> list[str]:
    return _WORD.findall(_PLACEHOLDER.sub(" ", text).casefold())


def _polite_ending(language: str, word: str) -> bool:
    if language == "lv":
        # izvēlieties, rakstiet, saņemsiet
        return word.endswith(("iet", "ieties")) and not _LV_GO.fullmatch(word)
    if language == "ru":
        # выберите, напишите, свяжитесь, попробуйте, оставьте, можете
        return re.search(r"(?:ите|йте|ьте|ете|ёте)(?:сь)?$", word) is not None
    return False


def _informal_ending(language: str, word: str) -> bool:
    if language == "ru":
        # хочешь, получишь, можешь, боишься
        return re.search(r"(?:ешь|ёшь|ишь)(?:ся)?$", word) is not None
    # Latvian "-ies" is also a participle ("beidzies") and "paldies": only the list tells.
    return False


def polite_forms(language: str, text: str) -> list[str]:
    """The words of ``text`` that address the reader as "jūs"/"вы"."""
    words = _POLITE_WORDS.get(language, set())
    return [w for w in _words(text) if w in words or _polite_ending(language, w)]


def informal_forms(language: str, text: str) -> list[str]:
    """The words of ``text`` that address the reader as "tu"/"ты"."""
    words = _INFORMAL_WORDS.get(language, set())
    return [w for w in _words(text) if w in words or _informal_ending(language, w)]
