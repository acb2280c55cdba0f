"""Pre-approved statements: the wording a crisis team signs off before it needs it.

In a crisis the slowest step is agreeing on words. A team approves templates per crisis type and
channel in advance (``statements.toml`` beside this module, or a file of its own in the same format);
when an incident opens they are filled from its facts and shown to a responder exactly as they would
be published, to approve as is or to revise.

Filling is deliberately small: ``{brand}``, ``{topic}``, ``{contact}`` and ``{next_update}``, with
``{{`` and ``}}`` for literal braces, in a single pass. Never ``str.format``: a template is data, and
format's attribute access and indexing (``{brand.__class__}``) would let a data file reach into
objects. Values go in verbatim and are never read again as a template, so a brand called
"{contact}" stays "{contact}". Escaping for HTML is the page's job, not this module's.

A responder's revision is tidied by `clean_statement` before anyone approves it, so what is approved is
what is published, byte for byte; publishing runs the same check once more as a last guard.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from itertools import product
from types import MappingProxyType
from typing import Any, TypeVar

from ..detection.taxonomy import default_taxonomy
from ..errors import CrisisWatchError
from ..speech import DEFAULT_LANGUAGE, LANGUAGES, N_, SOURCE, AddressForm, Speech, unknown_language


class StatementKind(StrEnum):
    HOLDING = "holding_statement"
    """We know, we are on it, next update by when: no facts claimed, no fault admitted."""
    APOLOGY = "apology"
    CORRECTION = "correction"
    """Correcting false information about the brand."""
    TAKE_PRIVATE = "take_private"
    """Inviting someone to continue in a private channel, where details need not be public."""


class Channel(StrEnum):
    SOCIAL = "social"
    WEB = "web"


CHANNEL_LIMITS: Mapping[Channel, int] = MappingProxyType({Channel.SOCIAL: 280, Channel.WEB: 2000})
"""Characters a statement may have on each channel: Unicode code points of the NFC form, which is what
the platforms start from (X counts NFC code points, weighting some ranges double; weights are not
modelled here)."""

PLACEHOLDERS = frozenset({"brand", "topic", "contact", "next_update"})

BRAND_MAX = 40
"""A longer brand is cut to this many characters, the last one "…", so a filled draft always fits
its channel: the load check fills every template with a brand this long."""

_ELLIPSIS = "…"
_KEY = re.compile(r"[a-z0-9_-]{1,40}")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_]\w*")
_KNOWN = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
_TOP_LEVEL = ("defaults", "topics", "templates")
_DEFAULTS = ("contact", "next_update")
_TEMPLATE_FIELDS = ("key", "kind", "channel", "crisis_types", "label", "text")
_DRAFT_FIELDS = ("key", "kind", "channel", "label", "text", "template_key", "revised_by")

_E = TypeVar("_E", bound=StrEnum)
_Piece = tuple[str, bool]
"""A literal run of text (False) or the name of a placeholder (True)."""


class StatementsError(CrisisWatchError):
    """Statements or a draft are invalid; `problems` lists each one as `where: what`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid statements:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class StatementTemplate:
    key: str
    kind: StatementKind
    channel: Channel
    crisis_types: tuple[str, ...]
    """The crisis types it is written for; empty means any crisis (the fallback)."""
    text: str
    label: str


@dataclass(frozen=True)
class Draft:
    """A filled template as the responder sees it, or their revision of it."""

    key: str
    kind: StatementKind
    channel: Channel
    label: str
    text: str
    template_key: str
    revised_by: str | None = None
    """Who changed the wording; None while it is the pre-approved text as filled."""

    def to_dict(self) -> dict[str, str | None]:
        return {
            "key": self.key,
            "kind": self.kind.value,
            "channel": self.channel.value,
            "label": self.label,
            "text": self.text,
            "template_key": self.template_key,
            "revised_by": self.revised_by,
        }

    @classmethod
    def from_dict(cls, data: object) -> Draft:
        """A stored draft, refused whole (every problem listed) if any part of it is wrong."""
        if not isinstance(data, Mapping):
            raise StatementsError(["draft: must be an object"])
        problems = [f"draft.{name}: unknown field" for name in data if name not in _DRAFT_FIELDS]
        kind = _member(StatementKind, data.get("kind"), "draft.kind", problems)
        channel = _member(Channel, data.get("channel"), "draft.channel", problems)
        strings: dict[str, str] = {}
        for name in ("key", "template_key", "label", "text"):
            value = data.get(name)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"draft.{name}: a non-empty string")
            elif name in ("key", "template_key") and not _KEY.fullmatch(value):
                problems.append(f"draft.{name}: 1 to 40 characters of a-z, 0-9, _ and -")
            else:
                strings[name] = value
        revised_by = data.get("revised_by")
        if revised_by is not None and (not isinstance(revised_by, str) or not revised_by.strip()):
            problems.append("draft.revised_by: a non-empty string or null")
        if channel is not None and "text" in strings:
            problems += _too_long(strings["text"], channel, "draft.text")
        if problems or kind is None or channel is None:
            raise StatementsError(problems)
        return cls(
            key=strings["key"],
            kind=kind,
            channel=channel,
            label=strings["label"],
            text=strings["text"],
            template_key=strings["template_key"],
            revised_by=revised_by,
        )

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Draft:
        """A draft as an incident stored it. Not checked again: it was checked when it was offered, and
        an incident must load even if today's rules (a limit, the tidying) would word it differently.
        ValueError for a kind or channel this code does not know."""
        revised_by = data.get("revised_by")
        return cls(
            key=str(data.get("key") or ""),
            kind=StatementKind(str(data.get("kind") or StatementKind.HOLDING.value)),
            channel=Channel(str(data.get("channel") or Channel.WEB.value)),
            label=str(data.get("label") or data.get("key") or ""),
            text=str(data.get("text") or ""),
            template_key=str(data.get("template_key") or data.get("key") or ""),
            revised_by=str(revised_by) if revised_by else None,
        )

    def revised(self, text: str, by: str) -> Draft:
        """The responder's changed wording, tidied and held to the channel's limit (`clean_statement`
        raises a `StatementTextError` saying why not); the template stays on record."""
        if not by.strip():
            raise StatementsError(["revised_by: say who revised it"])
        return replace(self, text=clean_statement(text, self.channel), revised_by=by)


@dataclass(frozen=True)
class StatementFacts:
    """What an incident tells the templates: whose brand, which crises, and optional overrides."""

    brand: str
    crisis_types: tuple[str, ...]
    contact: str = ""
    """Empty: the library's default contact."""
    next_update: str = ""
    """Empty: the library's default, e.g. "within two hours"."""

    def __post_init__(self) -> None:
        if not self.brand.strip():
            raise StatementsError(["facts.brand: a statement needs the brand's name"])
        object.__setattr__(self, "crisis_types", tuple(self.crisis_types))


class StatementLibrary:
    """The templates a team approved, with the defaults and topic phrases that fill them."""

    def __init__(
        self,
        templates: Iterable[StatementTemplate],
        contact: str,
        next_update: str,
        topics: Mapping[str, str],
    ) -> None:
        self.templates = tuple(templates)
        self.contact = contact
        self.next_update = next_update
        self.topics = dict(topics)
        """Crisis type key (or "default") -> the phrase that fills {topic}."""

    @classmethod
    def from_toml(
        cls, text: str, origin: str = "statements", known_types: Iterable[str] | None = None
    ) -> StatementLibrary:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise StatementsError([f"{origin}: not valid TOML: {error}"]) from error
        return cls.from_dict(data, origin, known_types)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], origin: str = "statements", known_types: Iterable[str] | None = None
    ) -> StatementLibrary:
        """A validated library; every problem is collected before refusing, so one edit fixes all.

        `known_types` names the crisis types templates may target: the packaged taxonomy's unless a
        team runs its own.
        """
        if not isinstance(data, Mapping):
            raise StatementsError([f"{origin}: must be a table"])
        known = frozenset(known_types) if known_types is not None else _packaged_types()
        problems = [
            f"{origin}: unknown key {key!r} (expected {', '.join(_TOP_LEVEL)})"
            for key in data
            if key not in _TOP_LEVEL
        ]
        contact, next_update = _defaults(data.get("defaults"), origin, problems)
        topics = _topics(data.get("topics"), origin, known, problems)
        placed = _templates(data.get("templates"), origin, known, problems)
        worst = {
            "brand": "W" * BRAND_MAX,
            "topic": max(topics.values(), key=len, default=""),
            "contact": contact,
            "next_update": next_update,
        }
        for where, template in placed:
            filled = len(render(template.text, worst))
            limit = CHANNEL_LIMITS[template.channel]
            if filled > limit:
                problems.append(
                    f"{where}.text: {filled} characters when filled with a {BRAND_MAX}-character brand "
                    f"and the longest topic, contact and next_update; {template.channel} allows {limit}"
                )
        raw = data.get("templates")
        if isinstance(raw, list) and not any(_generic_social_holding(entry) for entry in raw):
            problems.append(
                f"{origin}: templates: needs a holding_statement for the social channel with no "
                "crisis_types, so every incident has something to approve"
            )
        if problems:
            raise StatementsError(problems)
        return cls((template for _, template in placed), contact, next_update, topics)

    def drafts_for(self, facts: StatementFacts) -> list[Draft]:
        """Every draft for an incident: holding statements first, then apology, correction and
        take_private, social before web.

        For each kind and channel the templates of the first of the incident's crisis types that any
        of them names win; failing that, the generic ones. A kind with no template for the incident
        (a correction when nothing false is being said) gives no draft. Never raises on length: a
        brand over `BRAND_MAX` characters is cut, and a contact or next_update from the facts that
        would overflow the channel gives way to the library's default, which was checked at load.
        """
        brand = facts.brand if len(facts.brand) <= BRAND_MAX else facts.brand[: BRAND_MAX - 1] + _ELLIPSIS
        topic = next(
            (self.topics[key] for key in facts.crisis_types if key in self.topics),
            self.topics.get("default", ""),
        )
        contacts = _preferred(facts.contact, self.contact)
        updates = _preferred(facts.next_update, self.next_update)
        drafts: list[Draft] = []
        for kind, channel in product(StatementKind, Channel):
            for template in self._chosen(kind, channel, facts.crisis_types):
                text = ""
                for next_update, contact in product(updates, contacts):
                    values = {"brand": brand, "topic": topic, "contact": contact, "next_update": next_update}
                    text = render(template.text, values)
                    if len(text) <= CHANNEL_LIMITS[channel]:
                        break
                drafts.append(Draft(template.key, kind, channel, template.label, text, template.key))
        return drafts

    def _chosen(
        self, kind: StatementKind, channel: Channel, crisis_types: tuple[str, ...]
    ) -> list[StatementTemplate]:
        candidates = [t for t in self.templates if t.kind is kind and t.channel is channel]
        for crisis_type in crisis_types:
            specific = [t for t in candidates if crisis_type in t.crisis_types]
            if specific:
                return specific
        return [t for t in candidates if not t.crisis_types]


# ---- the text of a statement: tidied once, checked before approval and again before publishing ------


class StatementTextError(StatementsError):
    """A statement's text cannot be approved or published; `message` says why, in words for the page
    (English), `said(speech)` in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__([f"text: {message}"])
        self.message = message

    def said(self, speech: Speech) -> str:
        return self.message


class EmptyStatementError(StatementTextError):
    def __init__(self) -> None:
        super().__init__(self.said(SOURCE))

    def said(self, speech: Speech) -> str:
        return speech.gettext("The statement is empty: write the text to publish.")


class RefusedCharacterError(StatementTextError):
    """A character that could disguise the text or break it on the way out (see `clean_statement`)."""

    def __init__(self, code_point: int, what: str, line: int, column: int, count: int) -> None:
        self.code_point, self.what, self.line, self.column, self.count = code_point, what, line, column, count
        super().__init__(self.said(SOURCE))

    def said(self, speech: Speech) -> str:
        name = unicodedata.name(chr(self.code_point), "")
        values = {
            "line": self.line,
            "column": self.column,
            "character": f"U+{self.code_point:04X}{' ' + name if name else ''}",
            "what": speech.gettext(self.what),
            "more": self.count - 1,
        }
        if self.count == 1:
            text = speech.gettext(
                "Line %(line)s, character %(column)s is %(character)s, %(what)s, and cannot be published. "
                "Delete it and send the text again."
            )
        else:
            text = speech.ngettext(
                "Line %(line)s, character %(column)s is %(character)s, %(what)s, and cannot be published; "
                "%(more)s more follows. Delete them and send the text again.",
                "Line %(line)s, character %(column)s is %(character)s, %(what)s, and cannot be published; "
                "%(more)s more follow. Delete them and send the text again.",
                self.count - 1,
            )
        return text % values


class StatementTooLongError(StatementTextError):
    def __init__(self, length: int, limit: int, channel: Channel) -> None:
        self.length, self.limit, self.channel = length, limit, channel
        super().__init__(self.said(SOURCE))

    def said(self, speech: Speech) -> str:
        text = speech.gettext(
            "The statement is %(length)s characters; the %(channel)s channel takes at most %(limit)s."
        )
        channel = speech.gettext(self.channel.value)
        return text % {"length": self.length, "channel": channel, "limit": self.limit}


_LINE_BREAK = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")
"""CRLF, CR, VT, FF, NEL and the Unicode line and paragraph separators: each becomes one LF."""
_REFUSED = re.compile(
    "(?P<control>[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f])"
    "|(?P<bidi>[\u202a-\u202e\u2066-\u2069])"
    "|(?P<surrogate>[\ud800-\udfff])"
    "|(?P<annotation>[\ufff9-\ufffb])"
    "|(?P<tag>[\U000e0000-\U000e007f])"
)
_WHY = {
    "control": N_("a control character (line breaks are the only ones kept)"),
    "bidi": N_("a text-direction control (it can make a text read differently from what it holds)"),
    "surrogate": N_("half of a surrogate pair (no platform can store it)"),
    "annotation": N_("an interlinear annotation mark (it can hide text)"),
    "tag": N_("an invisible tag character (it can carry hidden text)"),
}
_FLAG_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
"""The one use of tag characters in a statement: subdivision flags such as England's."""
_ZERO_WIDTH_RUN = re.compile("[\u200b\u200c\u200d\u2060]+")
"""Zero-width space, non-joiner, joiner and word joiner: kept only where scripts and emoji use them."""
_BLANK_LINES = re.compile("\n{3,}")


def normalise_statement(text: str) -> str:
    """The text as it will be published, or a `StatementTextError` saying what must change.

    Refused (the responder sees where, and fixes it): control characters other than the line breaks
    and TAB below (C0, DEL, C1: NUL, ESC sequences, backspaces); text-direction embeddings,
    overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make a text display differently
    from its characters; lone surrogates; interlinear annotation marks and tag characters (outside a
    flag emoji), which hide text. Refusing rather than dropping them: the responder should know.

    Tidied (invisible, or looks the same): CRLF, CR, VT, FF, NEL, U+2028 and U+2029 become LF and TAB
    a space; Unicode NFC; U+FEFF removed; zero-width spaces, joiners and non-joiners kept only
    between two characters that are neither ASCII nor spaces (emoji sequences, Persian, Indic and
    Thai text), removed elsewhere (inside an English word they only break search and hashtags);
    trailing whitespace on each line trimmed, the text trimmed, runs of blank lines cut to one.

    Idempotent: the result tidies to itself.
    """
    text = _LINE_BREAK.sub("\n", text)
    _refuse(text)
    text = unicodedata.normalize("NFC", text.replace("\t", " ").replace("\ufeff", ""))
    text = unicodedata.normalize("NFC", _ZERO_WIDTH_RUN.sub(_joining, text))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if not text:
        raise EmptyStatementError()
    return text


def clean_statement(text: str, channel: Channel) -> str:
    """`normalise_statement`, then the channel's limit counted on the result (code points after NFC)."""
    clean = normalise_statement(text)
    limit = CHANNEL_LIMITS[channel]
    if len(clean) > limit:
        raise StatementTooLongError(len(clean), limit, channel)
    return clean


def _refuse(text: str) -> None:
    # Flag emoji blanked out (same length, so positions hold) before the scan: linear in any case.
    found = list(_REFUSED.finditer(_FLAG_TAGS.sub(lambda flag: " " * len(flag.group()), text)))
    if found:
        first = found[0]
        line = text.count("\n", 0, first.start()) + 1
        column = first.start() - (text.rfind("\n", 0, first.start()) + 1) + 1
        why = _WHY[str(first.lastgroup)]
        raise RefusedCharacterError(ord(first.group()), why, line, column, len(found))


def _joining(match: re.Match[str]) -> str:
    """A run of zero-width characters stays only between two characters that may need it joined."""
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or end == len(text):
        return ""
    before, after = text[start - 1], text[end]
    keep = all(ord(char) > 0x7F and not char.isspace() for char in (before, after))
    return match.group() if keep else ""


def render(text: str, values: Mapping[str, str]) -> str:
    """A template filled in one pass: values go in verbatim and are never read as a template.

    Raises StatementsError if the template itself is malformed or a placeholder has no value.
    """
    pieces, problems = _parse(text)
    missing = sorted({piece for piece, slot in pieces if slot and piece not in values})
    found = [*problems, *(f"no value for {{{name}}}" for name in missing)]
    if found:
        raise StatementsError([f"text: {problem}" for problem in found])
    return "".join(values[piece] if slot else piece for piece, slot in pieces)


@lru_cache(maxsize=512)
def _parse(text: str) -> tuple[tuple[_Piece, ...], tuple[str, ...]]:
    """The literal runs and placeholders of a template, and everything wrong with its braces."""
    pieces: list[_Piece] = []
    problems: list[str] = []
    literal: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        literal.append(text[position : match.start()])
        position = match.end()
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            literal.append(token[0])
        elif name in PLACEHOLDERS:
            pieces += [("".join(literal), False), (name, True)]
            literal = []
        elif name is not None:
            problems.append(_explain(token, name))
        else:
            at = match.start() + 1
            problems.append(f"unbalanced {token!r} at character {at} (write {token * 2} for a literal brace)")
    literal.append(text[position:])
    pieces.append(("".join(literal), False))
    return tuple(pieces), tuple(dict.fromkeys(problems))


def _preferred(given: str, default: str) -> list[str]:
    """The incident's value if it has one, then the library's default as the fallback that fits."""
    return list(dict.fromkeys([given if given.strip() else default, default]))


def _explain(token: str, name: str) -> str:
    if _NAME.fullmatch(name):
        return f"unknown placeholder {token} (known: {_KNOWN})"
    if not name.strip() or name.isdigit():
        return f"{token} is a positional field; name one of {_KNOWN}"
    return (
        f"{token} is not a placeholder: format syntax (attributes, indexes, conversions, specs) "
        f"is not allowed; use {_KNOWN}"
    )


def _too_long(text: str, channel: Channel, where: str) -> list[str]:
    limit = CHANNEL_LIMITS[channel]
    return [f"{where}: {len(text)} characters; {channel} allows {limit}"] if len(text) > limit else []


def _member(enum: type[_E], raw: object, where: str, problems: list[str]) -> _E | None:
    allowed = [member.value for member in enum]
    if isinstance(raw, str) and raw in allowed:
        return enum(raw)
    problems.append(f"{where}: {raw!r} is not one of {', '.join(allowed)}")
    return None


def _plain(raw: object, where: str, problems: list[str]) -> str:
    """A default or a topic: inserted as written, so it must be plain text."""
    if not isinstance(raw, str) or not raw.strip():
        problems.append(f"{where}: a non-empty string")
        return ""
    if "{" in raw or "}" in raw:
        problems.append(f"{where}: is inserted as written, so it cannot hold braces or placeholders")
        return ""
    return raw.strip()


def _defaults(raw: object, origin: str, problems: list[str]) -> tuple[str, str]:
    where = f"{origin}: defaults"
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: needs a [defaults] table with contact and next_update")
        return "", ""
    problems += [
        f"{where}.{key}: unknown key (expected {', '.join(_DEFAULTS)})" for key in raw if key not in _DEFAULTS
    ]
    return _plain(raw.get("contact"), f"{where}.contact", problems), _plain(
        raw.get("next_update"), f"{where}.next_update", problems
    )


def _topics(raw: object, origin: str, known: frozenset[str], problems: list[str]) -> dict[str, str]:
    where = f"{origin}: topics"
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: needs a [topics] table with at least a default")
        return {}
    topics: dict[str, str] = {}
    for key, value in raw.items():
        if key != "default" and key not in known:
            problems.append(f"{where}.{key}: not a crisis type of the taxonomy ({', '.join(sorted(known))})")
        elif phrase := _plain(value, f"{where}.{key}", problems):
            topics[key] = phrase
    if "default" not in raw:
        problems.append(f"{where}.default: missing; it is the topic when the incident's types have none")
    return topics


def _templates(
    raw: object, origin: str, known: frozenset[str], problems: list[str]
) -> list[tuple[str, StatementTemplate]]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{origin}: templates: needs at least one [[templates]] entry")
        return []
    placed: list[tuple[str, StatementTemplate]] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw):
        where = f"{origin}: templates[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a table")
            continue
        key = entry.get("key")
        if isinstance(key, str) and key:
            where = f"{where} ({key[:BRAND_MAX]})"
        template = _template(entry, where, known, problems)
        if isinstance(key, str) and key in seen:
            problems.append(f"{where}.key: already used by templates[{seen[key]}]")
        elif isinstance(key, str):
            seen[key] = index
            if template is not None:
                placed.append((where, template))
    return placed


def _template(
    entry: Mapping[str, Any], where: str, known: frozenset[str], problems: list[str]
) -> StatementTemplate | None:
    before = len(problems)
    problems += [
        f"{where}: unknown key {name!r} (expected {', '.join(_TEMPLATE_FIELDS)})"
        for name in entry
        if name not in _TEMPLATE_FIELDS
    ]
    key = entry.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        problems.append(f"{where}.key: 1 to 40 characters of a-z, 0-9, _ and -")
    kind = _member(StatementKind, entry.get("kind"), f"{where}.kind", problems)
    channel = _member(Channel, entry.get("channel"), f"{where}.channel", problems)
    crisis_types = entry.get("crisis_types", [])
    if not isinstance(crisis_types, list) or not all(isinstance(t, str) for t in crisis_types):
        problems.append(f"{where}.crisis_types: a list of crisis type keys (empty: any crisis)")
    else:
        unknown = [t for t in crisis_types if t not in known]
        if unknown:
            problems.append(
                f"{where}.crisis_types: {', '.join(unknown)} not in the taxonomy ({', '.join(sorted(known))})"
            )
        if len(set(crisis_types)) != len(crisis_types):
            problems.append(f"{where}.crisis_types: a crisis type is listed twice")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.append(f"{where}.label: a non-empty string people will recognise")
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}.text: a non-empty string")
    else:
        problems += [f"{where}.text: {problem}" for problem in _parse(text.strip())[1]]
    if len(problems) > before:
        return None
    assert kind is not None and channel is not None  # no new problems: both were valid
    assert isinstance(key, str) and isinstance(label, str) and isinstance(text, str)
    return StatementTemplate(key, kind, channel, tuple(crisis_types), text.strip(), label.strip())


def _generic_social_holding(entry: object) -> bool:
    """Judged on the raw entry, so a broken generic template is reported once, not twice."""
    return (
        isinstance(entry, Mapping)
        and entry.get("kind") == StatementKind.HOLDING.value
        and entry.get("channel") == Channel.SOCIAL.value
        and not entry.get("crisis_types")
    )


def _packaged_types() -> frozenset[str]:
    return frozenset(crisis_type.key for crisis_type in default_taxonomy().types)


def load_statements(path: str, known_types: Iterable[str] | None = None) -> StatementLibrary:
    """A team's own statements file, refused with a clear error when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return StatementLibrary.from_toml(handle.read(), path, known_types)
    except OSError as error:
        raise StatementsError([f"{path}: cannot be read ({error.strerror})"]) from None


def statements_file_name(language: str = DEFAULT_LANGUAGE, address_form: AddressForm = "Sie") -> str:
    """The packaged library of a voice: `statements.toml` (English), `statements.de.toml` (German, Sie),
    `statements.de-du.toml` (German, du). English has one form of address."""
    if language == DEFAULT_LANGUAGE:
        return "statements.toml"
    return f"statements.{language}.toml" if address_form == "Sie" else f"statements.{language}-du.toml"


@cache
def default_statements(
    language: str = DEFAULT_LANGUAGE, address_form: AddressForm = "Sie"
) -> StatementLibrary:
    """The packaged pre-approved statements in a brand's language and form of address."""
    if language not in LANGUAGES:
        raise StatementsError([unknown_language(language) or language])
    name = statements_file_name(language, address_form)
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return StatementLibrary.from_toml(text, name)
