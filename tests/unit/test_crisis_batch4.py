"""Crisis rules of the fourth round: each batch's messages and their everyday twins."""

from __future__ import annotations

import pytest

from bot.domain.crisis import CrisisCategory, CrisisDetector, default_rules

SUICIDE = CrisisCategory.SUICIDE
OVERDOSE = CrisisCategory.OVERDOSE
DANGER = CrisisCategory.DANGER
SELF_HARM = CrisisCategory.SELF_HARM
SEXUAL_ABUSE = CrisisCategory.SEXUAL_ABUSE
ABUSE = CrisisCategory.ABUSE


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector(default_rules(), learned=False)


def _alerts(detector: CrisisDetector, text: str, category: CrisisCategory) -> None:
    found = detector.detect(text)
    assert found is not None and category in found.categories, found


# Harm through a screen: told to die by a crowd, pictures held over a child, an adult
# online with gifts and secrets, a threat that comes with the address.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("all the comments on my post say go die and i kinda agree now", SUICIDE),
        ("no anonīma konta visu nedēļu raksta nomirsti, laikam viņiem taisnība", SUICIDE),
        ("в личку с анонимных аккаунтов пишут убейся", SUICIDE),
        ("he wants money or he sends my pics to everyone", SEXUAL_ABUSE),
        ("prasa naudu vai izsūtīs bildes klasei", SEXUAL_ABUSE),
        ("говорит если не приеду, видео увидят все в школе", SEXUAL_ABUSE),
        ("a guy on discord sends me robux and asks me to come over when my parents are away",
         SEXUAL_ABUSE),
        ("один дядя в игре дарит мне робуксы и просит удалить переписку", SEXUAL_ABUSE),
        ("viens vecis no spēles sūta man dāvanas un aicina ciemos kad mamma ir darbā",
         SEXUAL_ABUSE),
        ("they wrote i'll find you and sent a picture of my house", DANGER),
        ("написали найду и убью и скинули мой адрес", DANGER),
    ],
)  # fmt: skip
def test_harm_through_a_screen_alerts(
    detector: CrisisDetector, text: str, category: CrisisCategory
) -> None:
    _alerts(detector, text, category)


@pytest.mark.parametrize(
    "text",
    [
        "in fortnite some toxic guy wrote kill yourself in chat lol, i reported him",
        "we watched a film in class about a girl whose classmates wrote go die in comments",
        "everyone in the group chat says the test was hard, i agree",
        "в игре какой-то токсик написал убейся лол",
        "pay 5 euros or you can't come on the trip",
        "ja ielikšu video no koncerta, visi redzēs kā es dziedu",
        "teacher said if i don't hand in the photo project she will send it to my parents",
        "бабушка дарит мне подарки, это наш секрет до дня рождения мамы",
        "tētis nopirka man spēli, mammai nesaki",
        "мужик из магазина сказал приедет по адресу когда мама на работе, доставка",
        "i will find you at the party, send me the address",
    ],
)
def test_everyday_screens_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


# Plans said quietly, and harm at home that hides; each with its everyday twin.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("please tell my tutor i won't need the bus pass anymore, i won't be around", SUICIDE),
        ("отмените мне обеды, больше не понадобится. не спрашивайте почему", SUICIDE),
        ("esam čatā kur runā par to kā aiziet, un es izvēlējos datumu", SUICIDE),
        ("я сделаю это на стриме, пусть все видят что они сделали", SUICIDE),
        ("visu izdzēsu. šonakt beigšu", SUICIDE),
        ("patēvs sit tikai tur kur neredz", ABUSE),
        ("my stepdad said if i tell the school he'll do it again", ABUSE),
        ("отчим сказал, если пойду в полицию, он убьёт маму", ABUSE),
        ("mum hasn't come home for a week and we have no food", ABUSE),
    ],
)  # fmt: skip
def test_plans_and_hidden_harm_alert(
    detector: CrisisDetector, text: str, category: CrisisCategory
) -> None:
    _alerts(detector, text, category)


@pytest.mark.parametrize(
    "text",
    [
        "cancel my lunch from next week, i won't need it anymore, dont ask why lol we are moving",
        "уберите меня из списка на обеды, больше не понадобится, я перехожу в другую школу",
        "izvēlējāmies dienu ekskursijai",
        "im going live tonight on twitch, so they can all see what they did in the game lol",
        "if tomorrow is like today i'm done with this game lol",
        "if i tell you the ending of the show he'll do it again lol",
        "мамы нет дома неделю, она в командировке",
        "mom is not home for a week, she's on a business trip and grandma is with us",
    ],
)
def test_everyday_plans_and_absences_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


# Where a child is and what a child says plainly: on a bridge now, "I want to stop
# living", wanting to be with someone who died, pills by the strip; and their twins.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i'm standing on the bridge right now, i don't know why i'm texting a bot", SUICIDE),
        ("сижу на подоконнике, 10 этаж, смотрю вниз", SUICIDE),
        ("stāvu uz jumta tagad, lūdzu atbildiet", SUICIDE),
        ("i just want to stop existing", SUICIDE),
        ("gribu pārstāt eksistēt", SUICIDE),
        ("мама умерла весной, я хочу к ней", SUICIDE),
        ("tētis gāja bojā, es gribu būt ar viņu", SUICIDE),
        ("i swallowed a whole strip of sleeping pills", OVERDOSE),
        ("brālis sadzērās tabletes", OVERDOSE),
        ("выпила все обезболивающие из аптечки", OVERDOSE),
        ("es negribu dzīvot", SUICIDE),  # "negribu" keeps its "ne-"
    ],
)  # fmt: skip
def test_plain_words_and_places_alert(
    detector: CrisisDetector, text: str, category: CrisisCategory
) -> None:
    _alerts(detector, text, category)


@pytest.mark.parametrize(
    "text",
    [
        "i'm on the bridge now, where are you? i'm waiting",
        "я на крыше сейчас, снимаем закат с друзьями",
        "es stāvu uz tilta un gaidu draugus, tagad salst",
        "im on the roof right now fixing the antenna with dad",
        "i want to stop living in this city, it's boring",
        "i want to not exist for a week after this exam lol",
        "дедушка умер, хочу к нему на кладбище",
        "my cat died, i want to be with her again so much",
        "i took a painkiller for my tooth",
    ],
)
def test_everyday_places_and_losses_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


# Twins quieted: lessons about poison and blackmail, a long sleep "until Monday", the
# killer in a horror film, "mum thinks I hit him", medicine for the flu; and what still
# alerts beside them, such as something taken in order to die.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i drank poison, my stomach hurts so bad", OVERDOSE),
        ("he hit my mum again last night", ABUSE),
        ("i had the flu and took the whole pack of paracetamol to die", OVERDOSE),
        ("наелась грибов из леса чтобы всё закончилось", OVERDOSE),
        ("iedzēru mammas zāles, lai nomirtu", OVERDOSE),
        ("i hid in the wardrobe, dad is walking around with a knife", DANGER),
    ],
)  # fmt: skip
def test_what_still_alerts_beside_the_quieted_twins(
    detector: CrisisDetector, text: str, category: CrisisCategory
) -> None:
    _alerts(detector, text, category)


@pytest.mark.parametrize(
    "text",
    [
        "at the first aid course they showed what to do if a toddler drank poison",
        "в спектакле моя героиня пьёт яд, репетиция завтра",
        "in class we watched a film about a boy who was blackmailed online",
        "gribu aizmigt un nepamosties līdz brīvdienām",
        "в ужастике маньяк с ножом прятался в шкафу, до сих пор страшно",
        "brālis sūdzējās mammai ka es viņam iesitu, bet tā nav",
        "had the flu all week, drank lots of tea and paracetamol",
        "this cake is to die for, i ate three pieces",
    ],
)
def test_quieted_twins_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


# Ukrainian, as refugee pupils write it (it is read with the Russian words).
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("не хочу більше жити", SUICIDE),
        ("моя донька каже що хоче вмерти", SUICIDE),
        ("друг каже що покінчить з життям", SUICIDE),
        ("мене вітчим бє кожен вечір", ABUSE),
        ("я ковтнула всі пігулки з аптечки", OVERDOSE),
        ("знову порізала руки", SELF_HARM),
        ("сусід мене торкався, мені 12", SEXUAL_ABUSE),
        ("батько п'яний кричить що вб'є нас усіх", DANGER),
    ],
)  # fmt: skip
def test_ukrainian_alerts(detector: CrisisDetector, text: str, category: CrisisCategory) -> None:
    _alerts(detector, text, category)


@pytest.mark.parametrize(
    "text",
    [
        "я помру від нудьги на цьому уроці",
        "хочу вмерти від сорому, забула слова на концерті",
        "тато побив рекорд у спортзалі",
        "брат порізав палець, коли різав хліб",
        "я випила багато чаю з пігулками від застуди",
        "я не хочу жити в гуртожитку",
        "завтра мене не буде в школі, я хворію",
        "мій кіт загинув, хочу до нього",
    ],
)
def test_everyday_ukrainian_stays_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


# Sexual abuse told plainly, in short and broken sentences; and the everyday twins.
@pytest.mark.parametrize(
    "text",
    [
        "the swimming coach puts his hand under my shirt",
        "kaimiņš aiztiek mani zem drēbēm",
        "репетитор просит остаться после занятия и гладит мне колено",
        "a man at the station showed me money and said come with him",
        "vīrietis piedāvāja naudu ja iešu ar viņu uz mašīnu",
        "отчим продаёт меня мужчинам",
        "her stepdad sleeps with her, she's 12",
        "дядя делает со мной сексуальные вещи",
        "man ir 14, viņam ir 27 un viņš saka ka mīl mani",
        "im 13 and my boyfriend is 25, it's our secret",
    ],
)
def test_sexual_abuse_told_plainly_alerts(detector: CrisisDetector, text: str) -> None:
    _alerts(detector, text, SEXUAL_ABUSE)


@pytest.mark.parametrize(
    "text",
    [
        "coach touched my back after training to fix my posture",
        "the doctor checked me under my shirt with a stethoscope",
        "my uncle gave me money and said come with him to the shop",
        "сосед дал денег и сказал помочь ему с машиной",
        "my little sister sleeps with mum when she has nightmares",
        "мама продает мою старую куртку мужчине на olx",
        "i'm 14 and my boyfriend is 15, we've been dating for a month",
        "i am 13 and in 20 years i want a boyfriend and a dog",
    ],
)
def test_everyday_touch_money_and_dating_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


# Harm at home and danger outside, in short broken sentences; and the everyday twins.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("мамка пьяная и опять бьёт", ABUSE),
        ("tante mani nebaro jau trīs dienas", ABUSE),
        ("stepdad held my hand on the hot stove", ABUSE),
        ("they are kicking him behind the garages, he is on the ground", DANGER),
        ("мы на льду на реке и он трещит", DANGER),
        ("viņš atņēma man pasi un saka ka jāstrādā bez algas", DANGER),
        ("mammas bijušais draugs stāv pie durvīm ar nazi", DANGER),
        ("two men pulled me into a car, i dont know where i am", DANGER),
    ],
)  # fmt: skip
def test_home_and_outside_danger_alerts(
    detector: CrisisDetector, text: str, category: CrisisCategory
) -> None:
    _alerts(detector, text, category)


@pytest.mark.parametrize(
    "text",
    [
        "родители бьют тревогу, я не пришла домой вовремя",
        "mom was drunk at the wedding and hit the dance floor lol",
        "we fast before easter, mum doesnt give me meat, only fish",
        "mamma nolika manu roku uz karstas plīts lai parādītu ka karsts, es biju maza",
        "we went skating on the lake, the ice was cracking a bit but it was thick",
        "the hotel took my passport at check in, i can't leave until they give it back",
        "a man came to our house with a gun, he was a hunter looking for his dog",
        "mum pulled me into the car because it was raining, i was so scared of thunder",
    ],
)
def test_everyday_home_and_outside_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None
