"""/partner: folding, prefixes, five-language countries, suggestions, cards, paging, inline."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from bot.model.clock import MovableClock
from bot.model.dataset import dataset_from_yaml
from bot.model.domain import Dataset, LocalizedText, Municipality, Partnership
from bot.text.i18n import I18n
from bot.text.search import Names, fold, fts_query
from harness.generated import (
    QueryKind,
    generated_network,
    realistic_network,
    realistic_queries,
    searchable,
)
from storage.db import Database, bundled_migrations
from storage.network import NetworkRepository
from storage.store import Storage, seed_yaml
from tests.conftest import Driver

GENERATED = 10_000


def test_folding_matches_what_people_type() -> None:
    assert fold("Landkreis Gießen") == "landkreis giessen"
    assert fold("Département Kédougou") == "departement kedougou"
    assert fold("TANZÂNIA") == "tanzania"
    assert fts_query("  ") is None
    assert fts_query('x" OR 1=1; --') == '"x"* "or"* "1"* "1"*'  # always a quoted phrase


@pytest.fixture
async def storage(tmp_path: Path) -> Storage:
    store = await Storage.open(tmp_path / "search.sqlite3")
    yield store  # type: ignore[misc]
    await store.close()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("kedougou", ["passau-kedougou"]),
        ("Kédougou", ["passau-kedougou"]),
        ("giessen", ["giessen-mubende"]),
        ("pforz", ["pforzheim-mtwara"]),
        ("Tansania", ["pforzheim-mtwara", "miltenberg-njombe"]),
        ("Tanzania", ["pforzheim-mtwara", "miltenberg-njombe"]),
        ("Tanzanie", ["pforzheim-mtwara", "miltenberg-njombe"]),
        ("tanzânia", ["pforzheim-mtwara", "miltenberg-njombe"]),
        ("Äthiopien mekelle", ["ennepe-ruhr-mekelle"]),
        ("biodiversidad", ["koeln-yarinacocha"]),
        ("TANDEM", ["worms-metz"]),
        ("cologne", ["koeln-yarinacocha"]),
    ],
)
async def test_search_over_the_seed(storage: Storage, typed: str, expected: list[str]) -> None:
    ids, total = await storage.network.search.search(typed, limit=10)
    assert sorted(ids) == sorted(expected) and total == len(expected)


async def test_phase_search_finds_all_nine(storage: Storage) -> None:
    assert (await storage.network.search.search("fase 8", limit=20))[1] == 9


async def test_index_follows_every_change(storage: Storage) -> None:
    renamed = Municipality(
        "mtwara", LocalizedText.of("Mtwara-Mikindani"), "TZ", "Africa/Dar_es_Salaam"
    )
    await storage.network.save(Dataset(municipalities=(renamed,)))
    assert (await storage.network.search.search("mikindani", limit=5))[0] == ["pforzheim-mtwara"]
    await storage.network.save(dataset_from_yaml(seed_yaml()))  # the seed again: old name back
    assert (await storage.network.search.search("mikindani", limit=5))[1] == 0


async def test_a_town_ranks_above_a_topic(storage: Storage) -> None:
    town = Municipality("bio", LocalizedText.of("Biodiversity"), "DE", "Europe/Berlin")
    pair = Partnership("bio-mtwara", "bio", "mtwara")
    await storage.network.save(Dataset(municipalities=(town,), partnerships=(pair,)))
    # koeln-yarinacocha (the topic) was indexed first, yet the town comes first.
    assert await storage.network.search.search("biodiversity", limit=5) == (
        ["bio-mtwara", "koeln-yarinacocha"],
        2,
    )


def test_suggestions_pick_among_names_sharing_rare_trigrams() -> None:
    names = Names(["Mtwara", "Njombe District", *(f"Südort {n:05d}" for n in range(5000))])
    assert names.suggest("mtwra") == ["Mtwara"]
    assert names.suggest("mwtara") == ["Mtwara"]
    assert names.suggest("njombe") == ["Njombe District"]  # a word inside a name
    assert names.suggest("Sudortt 00042")[0] == "Südort 00042"
    assert names.suggest("qqq") == [] and names.suggest("  ") == []


async def test_suggestions_follow_saves_here_and_imports_elsewhere(
    storage: Storage, tmp_path: Path
) -> None:
    search = storage.network.search
    assert await search.suggest("mikindan") == []
    renamed = Municipality(
        "mtwara", LocalizedText.of("Mtwara-Mikindani"), "TZ", "Africa/Dar_es_Salaam"
    )
    await storage.network.save(Dataset(municipalities=(renamed,)))
    assert await search.suggest("mikindan") == ["Mtwara-Mikindani"]
    other = await Storage.open(tmp_path / "search.sqlite3")  # as `partnerbot import` would
    island = Municipality("zanzibar", LocalizedText.of("Zanzibar"), "TZ", "Africa/Dar_es_Salaam")
    await other.network.save(Dataset(municipalities=(island,)))  # in no partnership yet
    await other.close()
    assert await search.suggest("zanzibr") == ["Zanzibar"]


async def test_typos_arriving_together_build_the_name_index_once(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Updates run concurrently: ten misspelled queries at once share one build."""
    search = storage.network.search
    built = 0
    candidates = search._candidates

    async def counted() -> list[str]:
        nonlocal built
        built += 1
        return await candidates()

    monkeypatch.setattr(search, "_candidates", counted)
    found = await asyncio.gather(*(search.suggest("mtwra") for _ in range(10)))
    assert found == [["Mtwara"]] * 10
    assert built == 1


async def test_an_index_without_prefix_indexes_is_rebuilt_on_start(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = await Database.open(path)
    await db.migrate(bundled_migrations()[:3])  # before 0004 added the prefix indexes
    # without events and templates: today's code writes their tables of later migrations
    await NetworkRepository(db).save(
        replace(dataset_from_yaml(seed_yaml()), events=(), checklist_templates=())
    )
    await db.close()
    store = await Storage.open(path)
    try:
        async with store.db.conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'partnership_search'"
        ) as cur:
            row = await cur.fetchone()
        assert row is not None and "prefix = '1 2 3 4 5 6 7 8 9 10 11 12'" in row[0]
        assert await store.network.search.search("kedou", limit=5) == (["passau-kedougou"], 1)
        assert (await store.network.search.search("p", limit=1))[1] == 12  # one letter: all
    finally:
        await store.close()


@pytest.fixture(scope="session")
def big_network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the seed and 10,000 generated partnerships, built once."""
    path = tmp_path_factory.mktemp("big") / "big.sqlite3"

    async def build() -> None:
        store = await Storage.open(path)
        await store.network.save(generated_network(GENERATED))
        await store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await store.close()

    asyncio.run(build())
    return path


async def test_search_at_scale(big_network: Path, tmp_path: Path) -> None:
    copy = tmp_path / "big.sqlite3"
    shutil.copy(big_network, copy)
    store = await Storage.open(copy)
    try:
        search = store.network.search
        assert (await search.search("nordstadt 09999", limit=5)) == (["gen-9999"], 1)
        assert (await search.search("sudort 0421", limit=20))[1] == 10  # prefix: 04210-04219
        assert (await search.search("bolivia", limit=1))[1] == GENERATED // 10 + 1  # + La Paz
        assert (await search.search("biodiversity", limit=1))[1] == GENERATED // 7 + 1 + 1
        assert (await search.search("kedougou", limit=5))[0] == ["passau-kedougou"]
    finally:
        await store.close()


async def test_many_hits_page_in_one_stable_order(big_network: Path, tmp_path: Path) -> None:
    copy = tmp_path / "big.sqlite3"
    shutil.copy(big_network, copy)
    store = await Storage.open(copy)
    try:
        search = store.network.search
        pages = [await search.search("sudort 0", limit=5, offset=5 * n) for n in range(3)]
        assert [total for _ids, total in pages] == [GENERATED] * 3
        at_once = (await search.search("sudort 0", limit=15))[0]
        assert [i for ids, _total in pages for i in ids] == at_once
        assert len(set(at_once)) == 15
    finally:
        await store.close()


async def test_paging_over_many_results_edits_in_place(
    big_network: Path, settings: Settings, i18n: I18n, clock: MovableClock, tmp_path: Path
) -> None:
    from bot.app import build_application, running
    from harness.fake_telegram import OfflineTelegram

    shutil.copy(big_network, settings.db_path)
    api = OfflineTelegram(clock=clock)
    app = build_application(settings, request=api, i18n=i18n, clock=clock)
    async with running(app):
        bot = Driver(app, api)
        [first] = await bot.send("/partner sudort 04", user=bot.user(language_code="de"))
        assert first["text"].startswith("1000 Partnerschaften für „sudort 04“:")
        rows = first["reply_markup"]["inline_keyboard"]
        assert [k["text"] for k in rows[0]] == ["1", "2", "3", "4", "5"]
        assert [k["text"] for k in rows[1]] == ["▶"]  # no idle "1/200" between the arrows
        [second] = await bot.press(first, rows[1][0]["callback_data"])
        assert second["message_id"] == first["message_id"]
        nav = second["reply_markup"]["inline_keyboard"][1]
        assert "\n6. " in second["text"] and [k["text"] for k in nav] == ["◀", "▶"]
        every = [k["callback_data"] for r in second["reply_markup"]["inline_keyboard"] for k in r]
        assert all(len(data.encode()) <= 64 for data in every)


async def test_one_result_is_a_card(bot: Driver) -> None:
    [card] = await bot.send("/partner kedougou", user=bot.user(language_code="fr"))
    assert card["text"].splitlines() == [
        "🤝 Landkreis Passau – Département Kédougou",
        "🇩🇪 Allemagne · 🇸🇳 Sénégal",
        "🏛 Partenariats climatiques municipaux · Phase 8",
    ]
    buttons = [k["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for k in row]
    assert buttons == ["ms:p8", "pe:passau-kedougou"]


async def test_card_with_since_topics_and_note(bot: Driver) -> None:
    [card] = await bot.send("/partner la paz", user=bot.user(language_code="es"))
    assert "🗓 Desde 2012" in card["text"]
    assert "🌱 Reciclaje, Energías renovables" in card["text"]
    assert "Relaciones desde 1996" in card["text"]


async def test_several_results_then_a_card_as_a_new_message(bot: Driver) -> None:
    [listing] = await bot.send("/partner tanzania")
    assert listing["text"].splitlines()[0] == "2 partnerships for “tanzania”:"
    [card] = await bot.press(listing, "pa:pforzheim-mtwara")
    assert card["message_id"] != listing["message_id"]
    assert card["text"].startswith("🤝 Pforzheim – Mtwara")


async def test_typo_gets_a_suggestion_button(bot: Driver) -> None:
    [reply] = await bot.send("/partner mtwra", user=bot.user(language_code="pt"))
    assert reply["text"] == "Nenhuma parceria corresponde a “mtwra”. Você quis dizer Mtwara?"
    [[suggestion]] = reply["reply_markup"]["inline_keyboard"]
    [card] = await bot.press(reply, suggestion["callback_data"])
    assert card["text"].startswith("🤝 Pforzheim – Mtwara")


async def test_browse_by_country_and_by_phase(bot: Driver) -> None:
    [start] = await bot.send("/partner")
    [countries] = await bot.press(start, "pb:c")
    labels = [k["text"] for row in countries["reply_markup"]["inline_keyboard"] for k in row]
    assert "🇩🇪 Germany (12)" in labels and "🇸🇳 Senegal (2)" in labels
    [senegal] = await bot.press(countries, "pl:0:c:SN")
    assert senegal["text"].startswith("2 partnerships for “Senegal”:")
    [phases] = await bot.press(start, "pb:p")
    [phase8] = await bot.press(phases, "pl:0:p:p8")
    assert phase8["text"].startswith("9 partnerships for “Phase 8”:")


async def test_inline_mode_offers_cards(bot: Driver) -> None:
    from harness.fake_telegram import as_update

    update = bot.api.inline_query(bot.user(language_code="de"), "mtwara")
    await bot.app.process_update(as_update(update, bot.app.bot))
    [answer] = [c for c in bot.api.calls if c.method == "answerInlineQuery"]
    [result] = answer.params["results"]
    assert result["title"] == "Pforzheim – Mtwara"
    assert result["description"] == "Deutschland · Tansania"
    assert result["input_message_content"]["message_text"].startswith(
        "🤝 <b>Pforzheim – Mtwara</b>"
    )


async def test_cards_come_in_the_order_asked_with_every_part(storage: Storage) -> None:
    seed = dataset_from_yaml(seed_yaml())
    asked = ["worms-metz", "nobody", "bonn-la-paz", "passau-kedougou", "worms-metz"]
    cards = await storage.network.partnerships(asked)
    assert [c.partnership.id for c in cards] == [a for a in asked if a != "nobody"]
    bonn = cards[1]
    by_id = {p.id: p for p in seed.partnerships}
    assert bonn.partnership == by_id["bonn-la-paz"]  # since, note, topics in their order
    assert [t.id for t in bonn.topics] == list(by_id["bonn-la-paz"].topics)
    assert bonn.topics[1].name.get("es") == "Energías renovables"
    assert (bonn.north.name.get("de"), bonn.south.country) == ("Bonn", "BO")
    assert bonn.programme is not None and bonn.programme.id == "kkp" and bonn.phase is None
    kedougou = cards[2]
    assert kedougou.phase is not None and kedougou.phase.number == 8
    assert kedougou.south.name.original == "Département Kédougou" and kedougou.topics == ()
    koeln = (await storage.network.partnerships(["koeln-yarinacocha"]))[0]
    assert koeln.north.name.get("en") == "Cologne"  # a name in several languages


def test_realistic_networks_are_reproducible_and_read_like_real_names() -> None:
    seed = dataset_from_yaml(seed_yaml())
    network = realistic_network(2000, seed)
    assert network == realistic_network(2000, seed)  # same seed, same network
    assert realistic_network(500, seed).partnerships == network.partnerships[:500]
    names = [m.name.original for m in network.municipalities]
    assert any(not n.isascii() for n in names)  # umlauts, accents
    assert any(" de " in n for n in names) and any("-" in n for n in names)
    assert any("'" in n for n in names)
    assert len({m.country for m in network.municipalities}) >= 15
    assert len(set(names)) < len(names)  # names repeat, as San José does
    world = searchable(seed, network)
    queries = realistic_queries(world, 300)
    assert queries == realistic_queries(world, 300)
    assert {q.kind for q in queries} == set(QueryKind)


async def test_lookups_read_committed_data_on_their_own_connection(
    storage: Storage, tmp_path: Path
) -> None:
    search = storage.network.search
    assert await search.search("mtwara", limit=5) == (["pforzheim-mtwara"], 1)
    town = Municipality("lindi", LocalizedText.of("Lindi"), "TZ", "Africa/Dar_es_Salaam")
    pair = Partnership("bonn-lindi", "bonn", "lindi", programme_id="kkp")
    await storage.network.save(Dataset(municipalities=(town,), partnerships=(pair,)))
    assert await search.search("lindi", limit=5) == (["bonn-lindi"], 1)  # seen at once
    cards = await search.cards(["bonn-lindi", "pforzheim-mtwara"])
    assert cards == await storage.network.partnerships(["bonn-lindi", "pforzheim-mtwara"])
    # A reader SQLite refuses (busy, or here: another file) gives way to the shared one.
    search.close()
    search._reader = sqlite3.connect(tmp_path / "empty.sqlite3")
    assert await search.search("lindi", limit=5) == (["bonn-lindi"], 1)
    storage.db.cards.drop_all()  # not kept: read through the shared connection
    assert [c.partnership.id for c in await search.cards(["bonn-lindi"])] == ["bonn-lindi"]


async def test_the_cards_of_hits_are_kept_until_the_network_changes(storage: Storage) -> None:
    search = storage.network.search
    [card] = await search.cards(["pforzheim-mtwara"])
    assert "pforzheim-mtwara" in storage.db.cards
    assert card.south.name.original != "Mtwara-Mikindani"
    async with storage.db.transaction() as conn:  # as an import by another process would
        await conn.execute(
            "UPDATE municipalities SET name = ? WHERE id = ?", ('"Mtwara-Mikindani"', card.south.id)
        )
    [card] = await search.cards(["pforzheim-mtwara"])
    assert card.south.name.original == "Mtwara-Mikindani"


async def test_an_in_memory_database_is_searched_through_its_one_connection() -> None:
    db = await Database.open(":memory:")
    await db.migrate()
    network = NetworkRepository(db)
    await network.save(dataset_from_yaml(seed_yaml()))
    assert await network.search.search("kedougou", limit=5) == (["passau-kedougou"], 1)
    [card] = await network.search.cards(["passau-kedougou"])
    assert card.south.name.original == "Département Kédougou"
    await db.close()


async def test_every_phase_button_lists_its_partnerships_or_says_none(bot: Driver) -> None:
    """Each phase button leads to that phase: its partnerships, or a plain "none yet";
    never a search for its id, an id, or a suggestion in another language."""
    storage = bot.app.bot_data.storage
    assert storage is not None
    phases = await storage.network.phases()
    spanish = bot.user(language_code="es")
    [start] = await bot.send("/partner", user=spanish)
    [listing] = await bot.press(start, "pb:p", user=spanish)
    buttons = [k for row in listing["reply_markup"]["inline_keyboard"] for k in row]
    assert len(buttons) == len(phases) >= 7
    for phase, key in zip(phases, buttons, strict=True):
        in_phase = await storage.network.partnership_ids(phase_id=phase.id)
        assert key["text"] == f"{phase.name.get('es')} ({len(in_phase)})"
        [reply] = await bot.press(listing, key["callback_data"], user=spanish)
        text = reply["text"]
        assert phase.name.get("es") in text and f"«{phase.id}»" not in text
        assert f"“{phase.id}”" not in text and "coincide" not in text
        if in_phase:
            assert text.startswith(f"{len(in_phase)} alianza")
        else:
            assert text == f"Ninguna alianza está en «{phase.name.get('es')}» todavía."


def test_suggestions_are_names_the_reader_is_shown() -> None:
    names = Names(
        [
            ("Îlots de chaleur", "fr"),
            ("Islas de calor", "es"),
            ("Ilhas de calor", "pt"),
            "Mtwara",
        ]
    )
    assert names.suggest("ilots", "es") == [] and names.suggest("ilots", "fr") == [
        "Îlots de chaleur"
    ]
    assert names.suggest("islas de calr", "es") == ["Islas de calor"]
    assert names.suggest("ilhas de calr", "pt") == ["Ilhas de calor"]
    assert names.suggest("islas", "fr") == [] and names.suggest("islas", "de") == []
    assert names.suggest("mtwra", "de") == ["Mtwara"]  # a town: every language's name


@pytest.mark.parametrize("lang", ["de", "en", "es", "fr", "pt"])
async def test_did_you_mean_offers_only_the_readers_language(bot: Driver, lang: str) -> None:
    topics = dataset_from_yaml(seed_yaml()).topics
    shown = {t.name.get(lang) for t in topics}
    others = {v for t in topics for code, v in t.name.variants if v not in shown}
    for typed in ("pilot", "ilots", "recyclage", "reciclaje", "biodiversitat", "calor"):
        [reply] = await bot.send(f"/partner {typed}", user=bot.user(language_code=lang))
        offered = [
            k["text"]
            for row in (reply.get("reply_markup") or {}).get("inline_keyboard", [])
            for k in row
        ]
        assert not set(offered) & others, (lang, typed, offered)
