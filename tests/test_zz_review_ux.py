"""TEMPORARY review walker (delete after)."""
from __future__ import annotations
import json, traceback
from datetime import UTC, datetime
from typing import Any
import pytest
from bot.model.clock import MovableClock
from bot.model.roles import Side
from bot.telegram.callbacks import Edit, EditTarget, New, EditMeeting, MeetingAct, MeetingDo
from harness.screen import screen_lines, visible, cut_labels
from harness.time_entities import unwrapped_times_in_html
from tests.conftest import COORDINATOR, Driver

OUT = "/tmp/review-ux"
LANGS = ["es", "de", "pt", "fr", "en"]
NOW = datetime(2027, 1, 20, 10, 0, tzinfo=UTC)

class Log:
    def __init__(self, bot, name):
        self.bot, self.f = bot, open(f"{OUT}/{name}.txt", "w")
    def w(self, s): self.f.write(s + "\n"); self.f.flush()
    async def send(self, text, user, chat=None):
        n = len(self.bot.api.calls)
        r = await self.bot.send(text, user, chat)
        self.dump(f">>> send {text!r}", n)
        return r
    async def press(self, msg, data, user):
        n = len(self.bot.api.calls)
        r = await self.bot.press(msg, data, user)
        self.dump(f">>> press {data!r} ({label(msg, data)})", n)
        return r
    def dump(self, head, n):
        self.w(head)
        for c in self.bot.api.calls[n:]:
            if c.method == "answerCallbackQuery":
                if c.params.get("text"): self.w(f"  [alert] {c.params.get('text')}")
                continue
            if c.method not in ("sendMessage", "editMessageText", "sendDocument"): 
                self.w(f"  [{c.method}]"); continue
            html = c.params.get("text") or c.params.get("caption") or ""
            vis = visible(html)
            lines = screen_lines(vis)
            flags = []
            if lines > 15: flags.append(f"TOO LONG {lines} lines")
            un = unwrapped_times_in_html(html)
            if un: flags.append(f"UNWRAPPED TIMES {un}")
            rm = c.params.get("reply_markup")
            if isinstance(rm, str): rm = json.loads(rm)
            if hasattr(rm, "to_dict"): rm = rm.to_dict()
            cl = cut_labels(rm)
            if cl: flags.append(f"CUT {cl}")
            if c.error: flags.append(f"ERROR {c.error}")
            self.w(f"  [{c.method}] {' | '.join(flags)}")
            self.w("    " + html.replace("\n", "\n    "))
            for row in (rm or {}).get("inline_keyboard", []) or []:
                self.w("    KB: " + "  ||  ".join(f"{k['text']} -> {k.get('callback_data', k.get('url',''))}" for k in row))
            for row in (rm or {}).get("keyboard", []) or []:
                self.w("    RKB: " + "  ||  ".join(str(k.get('text')) for k in row))

def label(msg, data):
    for row in msg.get("reply_markup", {}).get("inline_keyboard", []):
        for k in row:
            if k.get("callback_data") == data: return k["text"]
    return "NOT ON MESSAGE"

def first(msg, starts):
    for row in msg.get("reply_markup", {}).get("inline_keyboard", []):
        for k in row:
            if k.get("callback_data", "").startswith(starts): return k["callback_data"]
    raise AssertionError(f"no button {starts}")

TYPED = {
    "es": ["15 de marzo 15h", "15 de marzo a las 15:00", "el 15 de marzo", "mañana 10h", "15/03 15h"],
    "de": ["15.03.2027 15:00", "15. März 15 Uhr", "am 15.3. um 15 Uhr", "morgen 10 Uhr", "15.3."],
    "pt": ["15 de março às 15h", "15/03/2027 15:00", "15 de março, 15h", "amanhã às 10h", "dia 15 às 15h"],
    "fr": ["le 15 mars à 15 h", "15/03/2027 15h00", "15 mars 15h", "demain 10h"],
    "en": ["March 15 3pm", "15 March 15:00", "3/15 3 pm", "tomorrow 10am"],
}

@pytest.fixture
def at_now(clock: MovableClock) -> MovableClock:
    clock.set(NOW); return clock

@pytest.mark.parametrize("lang", LANGS)
async def test_coordinator(at_now, bot: Driver, lang):
    L = Log(bot, f"coord_{lang}")
    me = bot.user(COORDINATOR, lang)
    try:
        await L.send("/start", me)
        h = await L.send("/help", me)
        for m in h:
            for row in m.get("reply_markup", {}).get("inline_keyboard", []):
                for k in row:
                    if k.get("callback_data", "").startswith("help"):
                        await L.press(m, k["callback_data"], me)
        [menu] = await L.send("/new", me)
        [kind] = await L.press(menu, New(EditTarget.EVENT).pack(), me)
        [whom] = await L.press(kind, "fill:k:workshop", me)
        [t] = await L.press(whom, "whom:h:p4", me)
        [when] = await L.send("Taller solar", me)
        # each typed variant; then cancel back via? try all variants, each time we get a reply
        last = when
        for typed in TYPED[lang]:
            r = await L.send(typed, me)
            last = r[-1] if r else last
            # if it advanced to END step, go back? log only; try /cancel & restart later
            if "fill:e:" in json.dumps(last.get("reply_markup", {})):
                break
        [place] = await L.press(last, "fill:e:", me)
        [zone] = await L.send("Bonn", me)
        [note] = await L.press(zone, "fill:z:Europe/Berlin", me)
        [summary] = await L.press(note, "fill:n:", me)
        # change title
        rs = await L.press(summary, "chg:t", me)
        rs = await L.send("Taller solar II", me)
        summary = rs[-1]
        # change start
        try:
            rs = await L.press(summary, first(summary, "chg:w"), me)
            rs2 = await L.send(TYPED[lang][0].replace("15", "16", 1), me)
            summary = rs2[-1]
        except AssertionError as e:
            L.w(f"!! {e}")
        # then ✖ out
        for row in summary.get("reply_markup", {}).get("inline_keyboard", []): pass
        await L.send("/cancel", me)
        await L.send("/cancel", me)
        # calendar route
        [menu] = await L.send("/new", me)
        [kind] = await L.press(menu, New(EditTarget.EVENT).pack(), me)
        [whom] = await L.press(kind, "fill:k:workshop", me)
        [t] = await L.press(whom, "whom:a:bonn-la-paz", me)
        [when] = await L.send("Kalender", me)
        m = when
        for pre in ("dpm", "dpd", "dph", "dpt"):
            try:
                d = [k["callback_data"] for row in m["reply_markup"]["inline_keyboard"] for k in row if k.get("callback_data","").startswith(pre)]
                if not d: L.w(f"!! no {pre}"); continue
                pick = d[len(d)//2] if pre != "dpm" else d[-1]
                [m] = await L.press(m, pick, me)
            except Exception as e:
                L.w(f"!! {pre}: {e!r}")
        # while in the form, typing a town name/other conversation command
        await L.send("/exchanges", me)
        await L.send("/meeting", me)
        await L.send("bonn", me)
        # ✖ button
        try:
            x = first(m, "form:x")
            await L.press(m, x, me)
        except AssertionError:
            L.w("!! no form:x on this step; keys: " + str([k.get('callback_data') for row in m['reply_markup']['inline_keyboard'] for k in row]))
            await L.send("/cancel", me)
        # milestone
        [menu] = await L.send("/new", me)
        [ph] = await L.press(menu, New(EditTarget.MILESTONE).pack(), me)
        rs = await L.press(ph, first(ph, "fill:") if True else "", me)
        await L.send("/cancel", me)
        # series
        [menu] = await L.send("/new", me)
        try:
            rs = await L.press(menu, New(EditTarget.SERIES).pack(), me)
            if rs:
                rs2 = await L.send("bonn", me)
        except Exception as e:
            L.w(f"!! series {e!r}")
        await L.send("/cancel", me)
        await L.send("/exchanges", me)
        await L.send("/milestones", me)
        await L.send("/history", me)
        await L.send("/undo", me)
        await L.send("/appoint", me)
        await L.send("/cancel", me)
        await L.send("/dismiss", me)
        await L.send("/cancel", me)
    except Exception:
        L.w("EXC " + traceback.format_exc())

@pytest.mark.parametrize("lang", LANGS)
async def test_focal_and_member(bot: Driver, lang):
    L = Log(bot, f"focal_{lang}")
    now = bot.app.bot_data.clock.now()
    st = bot.app.bot_data.storage
    FOCAL, MEMBER = 41, 43
    await st.roles.appoint_focal_point("bonn-la-paz", FOCAL, Side.SOUTH, COORDINATOR, now)
    f = bot.user(FOCAL, lang)
    try:
        group = bot.group(-4001, {44: "administrator"})
        await bot.send("/subscribe bonn", user=bot.user(44, "de"), chat=group)
        await L.send("/help", f)
        [listing] = await L.send("/meeting", f)
        d = first(listing, "eo:")
        [card] = await L.press(listing, d, f)
        mv = first(card, "mo:" ) if False else None
        keys = [k.get("callback_data") for row in card["reply_markup"]["inline_keyboard"] for k in row]
        L.w(f"card keys {keys}")
        [asked] = await L.press(card, keys[0], f)
        typed = {"es": "miércoles 25 16h", "de": "Mittwoch 25. 16 Uhr", "pt": "quarta-feira 25 às 16h", "fr": "mercredi 25 à 16 h", "en": "Wednesday 25 4pm"}[lang]
        rs = await L.send(typed, f)
        shown = rs[-1]
        k2 = [k.get("callback_data") for row in shown["reply_markup"]["inline_keyboard"] for k in row]
        L.w(f"shown keys {k2}")
        rs = await L.press(shown, k2[0], f)
        rs = await L.send({"es":"Feriado","de":"Feiertag","pt":"Feriado","fr":"Jour férié","en":"Holiday"}[lang], f)
        summ = rs[-1]
        k3 = [k.get("callback_data") for row in summ["reply_markup"]["inline_keyboard"] for k in row]
        L.w(f"summary keys {k3}")
        rs = await L.press(summ, k3[0], f)
        await L.send("/undo", f)
        await L.send("/history", f)
        await L.send("/new", f)
        await L.send("/cancel", f)
        await L.send("/exchanges bonn", f)
        # member
        m = bot.user(MEMBER, lang)
        await L.send("/start", m)
        await L.send("/help", m)
        await L.send("/new", m)
        await L.send("/meeting", m)
        await L.send("/undo", m)
        await L.send("/history", m)
        await L.send("/appoint", m)
        await L.send("/dismiss", m)
        await L.send("/cancel", m)
        await L.send("/listme", m)
        await L.send("/iam", m)
        rs = await L.send("la paz", m)
        await L.send("/listme", m)
        rs = await L.send("/listme", m)
        if rs and rs[-1].get("reply_markup"):
            kk = [k.get("callback_data") for row in rs[-1]["reply_markup"]["inline_keyboard"] for k in row]
            L.w(f"listme keys {kk}")
            await L.press(rs[-1], kk[0], m)
        await L.send("/contacts", m)
        await L.send("/contacts bonn", m)
        await L.send("/contacts la paz", m)
        await L.send("/contacts fase 8", m)
        rs = await L.send("/forgetme", m)
        if rs and rs[-1].get("reply_markup"):
            kk = [k.get("callback_data") for row in rs[-1]["reply_markup"]["inline_keyboard"] for k in row]
            L.w(f"forget keys {kk}")
            await L.press(rs[-1], kk[0], m)
        await L.send("/forgetme", m)
    except Exception:
        L.w("EXC " + traceback.format_exc())

async def test_conflicts(bot: Driver):
    L = Log(bot, "conflicts")
    now = bot.app.bot_data.clock.now()
    st = bot.app.bot_data.storage
    await st.roles.appoint_focal_point("bonn-la-paz", COORDINATOR, Side.NORTH, COORDINATOR, now)
    me = bot.user(COORDINATOR, "es")
    try:
        L.w("##### 1: form at title step, then /meeting move, type a date")
        [menu] = await L.send("/new", me)
        [kind] = await L.press(menu, New(EditTarget.EVENT).pack(), me)
        [whom] = await L.press(kind, "fill:k:workshop", me)
        [t] = await L.press(whom, "whom:a:bonn-la-paz", me)
        [listing] = await L.send("/reunion", me)
        [card] = await L.press(listing, first(listing, "eo:"), me)
        [asked] = await L.press(card, first(card, "mt:m:"), me)
        await L.send("miércoles 25 16h", me)
        await L.send("/cancel", me)
        await L.send("miércoles 25 16h", me)
        await L.press(asked, first(asked, "mt:x:"), me)
        L.w("##### 2: form left at summary, later the user types a town to search")
        [menu] = await L.send("/new", me)
        [kind] = await L.press(menu, New(EditTarget.EVENT).pack(), me)
        [whom] = await L.press(kind, "fill:k:workshop", me)
        [t] = await L.press(whom, "whom:a:bonn-la-paz", me)
        await L.send("Taller", me)
        await L.send("15 de marzo 15h", me)
        await L.send("/cancel", me)
        L.w("##### 3: appoint open, /cancel, then type")
        await L.send("/nombrar", me)
        await L.send("/cancel", me)
        await L.send("bonn", me)
        await L.send("✖ Cancelar", me)
        await L.send("bonn", me)
        L.w("##### 4: series open, /new exchange, type title")
        [menu] = await L.send("/new", me)
        [s] = await L.press(menu, New(EditTarget.SERIES).pack(), me)
        [p] = await L.press(s, "sr:p:bonn-la-paz", me)
        await L.send("Taller", me)
        [menu] = await L.send("/new", me)
        [kind] = await L.press(menu, New(EditTarget.EVENT).pack(), me)
        [whom] = await L.press(kind, "fill:k:workshop", me)
        [t] = await L.press(whom, "whom:a:bonn-la-paz", me)
        await L.send("Taller solar", me)
        await L.send("/cancel", me)
        await L.send("/cancel", me)
        L.w("##### 5: translation of an event")
        [listing] = await L.send("/intercambios", me)
        [summary] = await L.press(listing, first(listing, "ed:e:"), me)
        await L.press(summary, "chg:t", me)
        rs = await L.send("Taller de residuos", me)
        summary = rs[-1]
        rs = await L.press(summary, "form:s", me)
        [listing] = await L.send("/intercambios", me)
        [summary] = await L.press(listing, first(listing, "ed:e:"), me)
        try:
            rs = await L.press(summary, first(summary, "tr:e:"), me)
            m = rs[-1]
            kk = [k.get("callback_data") for row in m["reply_markup"]["inline_keyboard"] for k in row]
            L.w(f"tr keys {kk}")
            rs = await L.press(m, kk[0], me)
            await L.send("Waste workshop", me)
            await L.send("/cancel", me)
        except AssertionError as e:
            L.w(f"!! {e}")
        rs = await L.press(summary, first(summary, "hist:e:"), me)
        await L.send("/historial", me)
        await L.send("/deshacer", me)
    except Exception:
        L.w("EXC " + traceback.format_exc())
    L.f.close()

@pytest.mark.parametrize("lang", LANGS)
async def test_help_people_undo(bot: Driver, lang):
    L = Log(bot, f"more_{lang}")
    from tests.test_meetings import plan_and_send, follow
    try:
        m = bot.user(43, lang); m["username"] = "maria_bo"
        [h] = await L.send("/help", m)
        for p in await bot.pages(h, m)[1:] if False else (await bot.pages(h, m))[1:]:
            L.w("  PAGE:\n    " + p["text"].replace("\n", "\n    "))
        rs = await L.send("/iam", m)
        await L.press(rs[-1], "iam:la-paz", m)
        rs = await L.send("/listme", m)
        kk = [k.get("callback_data") for row in rs[-1].get("reply_markup", {}).get("inline_keyboard", []) for k in row]
        L.w(f"listme keys {kk}")
        if kk: await L.press(rs[-1], kk[0], m)
        await L.send("/listme", m)
        await L.send("/contacts la paz", bot.user(50, lang))
        await L.send("/contacts bonn", bot.user(50, lang))
        await L.send("/contacts", bot.user(50, lang))
        rs = await L.send("/forgetme", m)
        await L.press(rs[-1], "fm:y", m)
        # move and undo: does the group hear of the undo?
        now = bot.app.bot_data.clock.now()
        st = bot.app.bot_data.storage
        await st.roles.appoint_focal_point("bonn-la-paz", 41, Side.SOUTH, COORDINATOR, now)
        await follow(bot)
        f = bot.user(41, lang)
        await plan_and_send(bot)
        [listing] = await L.send("/meeting", f)
        [card] = await L.press(listing, first(listing, "eo:"), f)
        [asked] = await L.press(card, first(card, "mt:c:"), f)
        rs = await L.send("x", f)
        s = rs[-1]
        rs = await L.press(s, first(s, "mt:y:"), f)
        posts = await plan_and_send(bot)
        L.w("GROUP POSTS AFTER CANCEL: " + json.dumps([p["text"] for p in posts], ensure_ascii=False))
        await L.send("/undo", f)
        posts = await plan_and_send(bot)
        L.w("GROUP POSTS AFTER UNDO: " + json.dumps([p["text"] for p in posts], ensure_ascii=False))
        await L.send("/history", f)
    except Exception:
        L.w("EXC " + traceback.format_exc())
    L.f.close()

def kk(m):
    return [k.get("callback_data") for row in m.get("reply_markup", {}).get("inline_keyboard", []) for k in row]

@pytest.mark.parametrize("lang", ["es", "de", "pt", "fr"])
async def test_series_milestone(at_now, bot: Driver, lang):
    L = Log(bot, f"series_{lang}")
    me = bot.user(COORDINATOR, lang)
    try:
        [menu] = await L.send("/new", me)
        [s] = await L.press(menu, New(EditTarget.SERIES).pack(), me)
        [p] = await L.press(s, "sr:p:pforzheim-mtwara", me)
        m = (await L.press(p, "sr:t:", me))[-1]
        for i in range(8):
            keys = [d for d in kk(m) if not d.startswith("sr:x")]
            L.w(f"keys {keys}")
            if not keys: break
            typed = None
            if "hora" in m["text"].lower() or "uhr" in m["text"].lower() or "heure" in m["text"].lower() or "horário" in m["text"].lower():
                typed = {"es": "15h", "de": "15 Uhr", "pt": "15h", "fr": "15 h"}[lang]
            if typed and i < 6:
                rs = await L.send(typed, me); m = rs[-1]; typed=None; continue
            rs = await L.press(m, keys[0], me)
            if not rs: break
            m = rs[-1]
        await L.send("/cancel", me)
        # END step typed just a time
        [menu] = await L.send("/new", me)
        [kind] = await L.press(menu, New(EditTarget.EVENT).pack(), me)
        [whom] = await L.press(kind, "fill:k:delegation_visit", me)
        [t] = await L.press(whom, "whom:a:bonn-la-paz", me)
        await L.send("Visita", me)
        await L.send({"es": "15 de marzo 15h", "de": "15.03.2027 15:00", "pt": "15 de março às 15h", "fr": "le 15 mars à 15 h"}[lang], me)
        await L.send({"es": "17h", "de": "17 Uhr", "pt": "17h", "fr": "17 h"}[lang], me)
        await L.send({"es": "en línea", "de": "online", "pt": "online", "fr": "en ligne"}[lang], me)
        await L.send("/cancel", me)
        [menu] = await L.send("/new", me)
        [kind] = await L.press(menu, New(EditTarget.EVENT).pack(), me)
        [whom] = await L.press(kind, "fill:k:delegation_visit", me)
        [t] = await L.press(whom, "whom:a:bonn-la-paz", me)
        await L.send("Visita", me)
        await L.send({"es": "15 de enero 15h", "de": "15.01.2027 15:00", "pt": "15 de janeiro às 15h", "fr": "le 15 janvier à 15 h"}[lang], me)
        await L.send({"es": "hoy a las 9", "de": "heute 9 Uhr", "pt": "hoje às 9h", "fr": "aujourd'hui à 9 h"}[lang], me)
        await L.send("/cancel", me)
        # milestone month only
        [menu] = await L.send("/new", me)
        [ph] = await L.press(menu, New(EditTarget.MILESTONE).pack(), me)
        await L.press(ph, "fill:h:p4", me)
        await L.send("Informe", me)
        rs = await L.send({"es": "marzo 2027", "de": "März 2027", "pt": "março de 2027", "fr": "mars 2027"}[lang], me)
        m = rs[-1]
        rs = await L.press(m, kk(m)[0], me)
        m = rs[-1]
        if kk(m): await L.press(m, "form:s" if "form:s" in kk(m) else kk(m)[0], me)
        await L.send("/milestones", me)
        # group attempts
        g = bot.group(-777, {COORDINATOR: "administrator"})
        await L.send("/new", me, g)
        await L.send("/meeting", me, g)
        await L.send("/cancel", me, g)
        await L.send("/history", me, g)
        await L.send("/undo", me, g)
        await L.send("/listme", me, g)
        await L.send("/forgetme", me, g)
    except Exception:
        L.w("EXC " + traceback.format_exc())
    L.f.close()
