from tests.conftest import BotHarness


async def test_start_greets_an_unknown_user_in_latvian(harness: BotHarness) -> None:
    sent = await harness.tg.send(harness.user(1), "/start")
    assert len(sent) == 1
    print(sent[0])
