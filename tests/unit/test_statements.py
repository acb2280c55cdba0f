"""Pre-approved statements: the packaged library, choosing and filling drafts, hostile values, the
file format's validation, and drafts as stored."""

from __future__ import annotations

import json
from itertools import chain, combinations
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crisiswatch.domain.detection.taxonomy import default_taxonomy
from crisiswatch.domain.response.statements import (
    BRAND_MAX,
    CHANNEL_LIMITS,
    PLACEHOLDERS,
    Channel,
    Draft,
    StatementFacts,
    StatementKind,
    StatementLibrary,
    StatementsError,
    StatementTooLongError,
    default_statements,
    load_statements,
    render,
)

LIBRARY = default_statements()
TYPES = tuple(crisis_type.key for crisis_type in default_taxonomy().types)
SUBSETS = list(chain.from_iterable(combinations(TYPES, size) for size in range(len(TYPES) + 1)))

MINIMAL = """
[defaults]
contact = "help@acme.test"
next_update = "by 5pm"

[topics]
default = "the reports"

[[templates]]
key = "hold"
kind = "holding_statement"
channel = "social"
label = "Holding"
text = "We're aware of {topic}. Update {next_update}. {contact}"
"""


def drafts(*types: str, brand: str = "Acme", **facts: str) -> list[Draft]:
    return LIBRARY.drafts_for(StatementFacts(brand, types, **facts))


def keys(*types: str) -> list[str]:
    return [draft.key for draft in drafts(*types)]


def test_the_packaged_library_uses_the_taxonomy_keys_and_fills_topics_for_each() -> None:
    assert TYPES == (
        "product_failure",
        "data_breach",
        "legal_safety",
        "misinformation",
        "employee_misconduct",
        "customer_dissatisfaction",
        "supplier_conflict",
        "boycott",
    )
    assert set(LIBRARY.topics) == {*TYPES, "default"}
    assert LIBRARY.contact == "support@example.com"
    assert LIBRARY.next_update == "within two hours"
    assert len({template.key for template in LIBRARY.templates}) == len(LIBRARY.templates)
    assert default_statements() is LIBRARY


@pytest.mark.parametrize("types", SUBSETS, ids=lambda types: "+".join(types) or "none")
def test_every_incident_gets_a_social_holding_statement_first_and_every_draft_fits(
    types: tuple[str, ...],
) -> None:
    found = drafts(*types)
    assert (found[0].kind, found[0].channel) == (StatementKind.HOLDING, Channel.SOCIAL)
    assert any(d.kind is StatementKind.HOLDING and d.channel is Channel.WEB for d in found)
    assert [d.key for d in found if d.kind is StatementKind.TAKE_PRIVATE] == ["take-private-social"]
    for draft in found:
        assert 0 < len(draft.text) <= CHANNEL_LIMITS[draft.channel]
        assert "{" not in draft.text and "}" not in draft.text
        assert draft.template_key == draft.key and draft.revised_by is None


def test_drafts_come_holding_apology_correction_take_private_and_social_before_web() -> None:
    assert keys("product_failure", "misinformation") == [
        "holding-social-product",
        "holding-web-product",
        "apology-social-product",
        "apology-web-product",
        "correction-social-misinformation",
        "correction-web-misinformation",
        "take-private-social",
    ]


def test_an_incident_without_a_specific_template_gets_the_generic_ones() -> None:
    assert keys() == ["holding-social", "holding-web", "take-private-social"]
    assert keys("boycott") == ["holding-social", "holding-web", "take-private-social"]


def test_a_specific_template_beats_the_generic_one_and_the_incident_order_decides() -> None:
    assert keys("data_breach")[:2] == ["holding-social-data-breach", "holding-web-data-breach"]
    assert keys("boycott", "data_breach")[:2] == ["holding-social-data-breach", "holding-web-data-breach"]
    assert keys("legal_safety", "product_failure")[:2] == [
        "holding-social-legal-safety",
        "holding-web-legal-safety",
    ]
    assert keys("product_failure", "legal_safety")[:2] == ["holding-social-product", "holding-web-product"]
    # Per kind and channel: conduct has a social holding statement only, so the web one is generic.
    assert keys("employee_misconduct")[:2] == ["holding-social-conduct", "holding-web"]


def test_a_correction_only_when_something_false_is_being_said() -> None:
    for types in SUBSETS:
        corrections = [d.key for d in drafts(*types) if d.kind is StatementKind.CORRECTION]
        expected = ["correction-social-misinformation", "correction-web-misinformation"]
        assert corrections == (expected if "misinformation" in types else []), types


def test_apologies_only_for_failed_products_or_customers_let_down() -> None:
    assert [d.key for d in drafts("customer_dissatisfaction") if d.kind is StatementKind.APOLOGY] == [
        "apology-social-service",
        "apology-web-service",
    ]
    for crisis_type in ("data_breach", "legal_safety", "misinformation", "boycott", "employee_misconduct"):
        assert not [d for d in drafts(crisis_type) if d.kind is StatementKind.APOLOGY], crisis_type


def test_placeholders_are_filled_from_the_facts_or_the_library_defaults() -> None:
    own = drafts("boycott", contact="press@acme.test", next_update="by 6pm today")
    assert own[0].text == (
        "We're aware of the concerns people are sharing about our company and we're looking into it now. "
        "We take this seriously and will share an update by 6pm today. If you've been affected, please "
        "contact us at press@acme.test."
    )
    assert own[1].text.startswith("A statement from Acme\n\nWe are aware of the concerns people are sharing")
    default = drafts()[0].text
    assert "the concerns people have raised with us" in default
    assert "within two hours" in default and "support@example.com" in default
    blank = drafts(contact="   ", next_update="")[0].text
    assert blank == default


def test_the_topic_is_the_first_incident_type_with_one() -> None:
    text = drafts("supplier_conflict", "boycott")[0].text
    assert text.startswith("We're aware of reports concerning one of our suppliers or partners and")


@pytest.mark.parametrize(
    "brand",
    [
        "{contact}",
        "{{brand}}",
        "}{",
        "{brand.__class__}",
        "<script>alert('x')</script>",
        "Ac\u0301me 🔥👩‍👩‍👧 Café",
        "A" * 200,
        "🔥" * 200,
    ],
)
def test_a_hostile_brand_is_inserted_verbatim_never_re_interpreted_and_drafts_fit(brand: str) -> None:
    shown = brand if len(brand) <= BRAND_MAX else brand[: BRAND_MAX - 1] + "…"
    found = drafts("data_breach", "misinformation", brand=brand)
    assert found[0].text.startswith(
        f"We're investigating reports of a possible security incident at {shown}. Protecting"
    )
    assert found[0].text.endswith("Questions: support@example.com")
    assert found[1].text.startswith(f"A statement from {shown} about a possible security incident\n")
    for draft in found:
        assert len(draft.text) <= CHANNEL_LIMITS[draft.channel]
    assert all(len(d.text) <= 280 for d in found if d.channel is Channel.SOCIAL)


def test_a_long_brand_is_cut_to_forty_characters_with_an_ellipsis() -> None:
    text = drafts("data_breach", brand="B" * 41)[0].text
    assert "at " + "B" * 39 + "…. Protecting" in text
    assert "at " + "B" * 40 + ". Protecting" in drafts("data_breach", brand="B" * 40)[0].text


def test_a_contact_too_long_for_social_gives_way_to_the_default_but_stays_on_the_web() -> None:
    contact = "the customer care team at customer-care-escalations@" + "a" * 60 + ".example.com"
    found = drafts("data_breach", brand="W" * 60, contact=contact)
    assert found[0].text.endswith("Questions: support@example.com")
    assert contact in found[1].text
    assert all(len(d.text) <= CHANNEL_LIMITS[d.channel] for d in found)


def test_a_blank_brand_is_refused() -> None:
    with pytest.raises(StatementsError, match=r"facts\.brand"):
        StatementFacts("  ", ())


# ---- render ----------------------------------------------------------------------------------------


def test_render_fills_known_placeholders_once_and_keeps_doubled_braces_literal() -> None:
    values = {"brand": "{topic}", "topic": "T", "contact": "{{c}}", "next_update": "soon"}
    assert render("{{brand}} {brand} {{{topic}}} {contact}}}", values) == "{brand} {topic} {T} {{c}}}"
    assert render("no placeholders", {}) == "no placeholders"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{brand.__class__}", "is not a placeholder: format syntax"),
        ("{brand!r}", "is not a placeholder: format syntax"),
        ("{brand:>10}", "is not a placeholder: format syntax"),
        ("{brand[0]}", "is not a placeholder: format syntax"),
        ("{0}", "{0} is a positional field"),
        ("{}", "{} is a positional field"),
        ("{secret}", "unknown placeholder {secret}"),
        ("{Brand}", "unknown placeholder {Brand}"),
        ("Hello {brand", "unbalanced '{' at character 7"),
        ("Hello brand}", "unbalanced '}' at character 12"),
        ("{{brand}", "unbalanced '}' at character 8"),
        ("{brand:{topic}}", "unbalanced '{' at character 1"),
    ],
)
def test_format_syntax_and_unbalanced_braces_are_refused(text: str, expected: str) -> None:
    with pytest.raises(StatementsError) as caught:
        render(text, dict.fromkeys(PLACEHOLDERS, "x"))
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_render_refuses_a_placeholder_without_a_value() -> None:
    with pytest.raises(StatementsError) as caught:
        render("{brand} {contact}", {"brand": "Acme"})
    assert caught.value.problems == ["text: no value for {contact}"]


TEMPLATE = "At {brand}: {topic}; ask {contact} {{not {brand}}} {next_update}."


@settings(max_examples=300)
@given(brand=st.text(), contact=st.text(), topic=st.text(alphabet="{}abc ", max_size=12))
@example(brand="{contact}", contact="{brand}", topic="{{topic}}")
@example(brand="}}{{", contact="{", topic="}")
def test_render_never_raises_on_any_value_and_never_leaves_a_placeholder(
    brand: str, contact: str, topic: str
) -> None:
    values = {"brand": brand, "topic": topic, "contact": contact, "next_update": "soon"}
    assert render(TEMPLATE, values) == f"At {brand}: {topic}; ask {contact} {{not {brand}}} soon."
    plain = {name: value.replace("{", "").replace("}", "") for name, value in values.items()}
    filled = render(TEMPLATE, plain)
    assert not any("{" + name + "}" in filled for name in PLACEHOLDERS - {"brand"})
    assert filled.count("{") == filled.count("}") == 1  # only the literal {{not ...}} pair


@settings(max_examples=200)
@given(
    brand=st.text(min_size=1).filter(str.strip),
    types=st.lists(st.sampled_from(TYPES), unique=True),
)
def test_any_brand_and_incident_give_drafts_that_fit_and_round_trip(brand: str, types: list[str]) -> None:
    found = LIBRARY.drafts_for(StatementFacts(brand, tuple(types)))
    assert (found[0].kind, found[0].channel) == (StatementKind.HOLDING, Channel.SOCIAL)
    for draft in found:
        assert len(draft.text) <= CHANNEL_LIMITS[draft.channel]
        assert Draft.from_dict(json.loads(json.dumps(draft.to_dict()))) == draft


# ---- the file format -------------------------------------------------------------------------------

BROKEN = """
colour = "blue"

[defaults]
contact = "help@acme.test"
next_update = "{soon}"
signature = "x"

[topics]
default = "the reports"
meteor_strike = "the meteor"

[[templates]]
key = "hold"
kind = "holding_statement"
channel = "social"
crisis_types = ["data_breach"]
label = "Holding"
text = "We're aware of {topic}."

[[templates]]
key = "hold"
kind = "statement"
channel = "fax"
label = "Twice"
text = "Hello {brand.__class__} and {0} and {brand!r} and {brand:>10}"

[[templates]]
key = "Bad Key"
kind = "apology"
channel = "social"
crisis_types = ["alien_invasion"]
label = ""
text = "   "
tone = "warm"

[[templates]]
key = "long"
kind = "apology"
channel = "social"
label = "Too long"
text = "{brand} {brand} {brand} {brand} {brand} {brand} {brand} {topic}"
"""


def test_every_problem_in_a_file_is_reported_at_once_with_its_place() -> None:
    with pytest.raises(StatementsError) as caught:
        StatementLibrary.from_toml(BROKEN, "team.toml")
    problems = caught.value.problems
    expected = [
        "team.toml: unknown key 'colour'",
        "team.toml: defaults.signature: unknown key",
        "team.toml: defaults.next_update: is inserted as written, so it cannot hold braces",
        "team.toml: topics.meteor_strike: not a crisis type of the taxonomy",
        "team.toml: templates[1] (hold).kind: 'statement' is not one of holding_statement, apology",
        "team.toml: templates[1] (hold).channel: 'fax' is not one of social, web",
        "team.toml: templates[1] (hold).text: {brand.__class__} is not a placeholder",
        "team.toml: templates[1] (hold).text: {0} is a positional field",
        "team.toml: templates[1] (hold).text: {brand!r} is not a placeholder",
        "team.toml: templates[1] (hold).text: {brand:>10} is not a placeholder",
        "team.toml: templates[1] (hold).key: already used by templates[0]",
        "team.toml: templates[2] (Bad Key): unknown key 'tone'",
        "team.toml: templates[2] (Bad Key).key: 1 to 40 characters",
        "team.toml: templates[2] (Bad Key).crisis_types: alien_invasion not in the taxonomy",
        "team.toml: templates[2] (Bad Key).label: a non-empty string",
        "team.toml: templates[2] (Bad Key).text: a non-empty string",
        "team.toml: templates[3] (long).text: 298 characters when filled with a 40-character brand",
        "team.toml: templates: needs a holding_statement for the social channel with no crisis_types",
    ]
    for start in expected:
        assert sum(problem.startswith(start) for problem in problems) == 1, (start, problems)
    assert len(problems) == len(expected), problems
    message = str(caught.value)
    assert message.startswith("invalid statements:\n  team.toml: unknown key 'colour'")
    assert message.count("\n  ") == len(expected)


def test_a_minimal_file_loads_and_fills() -> None:
    library = StatementLibrary.from_toml(MINIMAL, "minimal.toml")
    (draft,) = library.drafts_for(StatementFacts("Acme", ("boycott",)))
    assert draft.text == "We're aware of the reports. Update by 5pm. help@acme.test"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("[topics]\ndefault", "[topics]\nother"), "minimal.toml: topics.other: not a crisis type"),
        (('default = "the reports"', 'default = ""'), "minimal.toml: topics.default: a non-empty string"),
        (("[defaults]\n", "[elsewhere]\n"), "minimal.toml: defaults: needs a [defaults] table"),
        (("[[templates]]", "[[nothing]]"), "minimal.toml: templates: needs at least one"),
        (('channel = "social"', 'channel = "web"'), "minimal.toml: templates: needs a holding_statement"),
        (('label = "Holding"', 'label = "Holding"\ncrisis_types = ["boycott"]'), "needs a holding"),
        (("text = ", "crisis_types = [1]\ntext = "), "templates[0] (hold).crisis_types: a list of"),
        (("text = ", 'crisis_types = ["boycott", "boycott"]\ntext = '), "a crisis type is listed twice"),
    ],
)
def test_each_mistake_is_named(change: tuple[str, str], problem: str) -> None:
    text = MINIMAL.replace(*change)
    assert text != MINIMAL
    with pytest.raises(StatementsError) as caught:
        StatementLibrary.from_toml(text, "minimal.toml")
    assert any(problem in found for found in caught.value.problems), caught.value.problems


def test_a_missing_default_topic_is_named() -> None:
    text = MINIMAL.replace('default = "the reports"', 'boycott = "the boycott"')
    with pytest.raises(StatementsError, match=r"topics\.default: missing"):
        StatementLibrary.from_toml(text, "minimal.toml")


def test_invalid_toml_is_refused_with_its_origin() -> None:
    with pytest.raises(StatementsError, match=r"broken\.toml: not valid TOML"):
        StatementLibrary.from_toml("[defaults\n", "broken.toml")


def test_a_team_taxonomy_can_be_named_instead_of_the_packaged_one() -> None:
    own = (
        MINIMAL
        + """
[[templates]]
key = "hold-storm"
kind = "holding_statement"
channel = "social"
crisis_types = ["storm_damage"]
label = "Storm"
text = "Our stores are closed while we check them after the storm. {contact}"
"""
    )
    with pytest.raises(StatementsError, match="storm_damage not in the taxonomy"):
        StatementLibrary.from_toml(own, "own.toml")
    library = StatementLibrary.from_toml(own, "own.toml", known_types=[*TYPES, "storm_damage"])
    assert [d.key for d in library.drafts_for(StatementFacts("Acme", ("storm_damage",)))] == ["hold-storm"]


def test_load_statements_reads_a_file_or_says_why_it_cannot(tmp_path: Path) -> None:
    path = tmp_path / "statements.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert [t.key for t in load_statements(str(path)).templates] == ["hold"]
    with pytest.raises(StatementsError, match="cannot be read"):
        load_statements(str(tmp_path / "missing.toml"))


# ---- drafts as stored and revised --------------------------------------------------------------------


def test_a_draft_round_trips_through_json() -> None:
    draft = drafts("data_breach")[0]
    data = draft.to_dict()
    assert data == {
        "key": "holding-social-data-breach",
        "kind": "holding_statement",
        "channel": "social",
        "label": "Holding statement: possible security incident",
        "text": draft.text,
        "template_key": "holding-social-data-breach",
        "revised_by": None,
    }
    assert Draft.from_dict(json.loads(json.dumps(data))) == draft
    revised = draft.revised("We're looking into it. More soon.", "sam@acme.test")
    assert revised.revised_by == "sam@acme.test" and revised.template_key == draft.template_key
    assert Draft.from_dict(revised.to_dict()) == revised


def test_a_bad_draft_is_refused_with_every_problem() -> None:
    bad = {
        "key": "Not A Key",
        "kind": "press_release",
        "channel": "social",
        "label": "",
        "text": "x" * 281,
        "revised_by": 7,
        "extra": True,
    }
    with pytest.raises(StatementsError) as caught:
        Draft.from_dict(bad)
    assert caught.value.problems == [
        "draft.extra: unknown field",
        "draft.kind: 'press_release' is not one of holding_statement, apology, correction, take_private",
        "draft.key: 1 to 40 characters of a-z, 0-9, _ and -",
        "draft.template_key: a non-empty string",
        "draft.label: a non-empty string",
        "draft.revised_by: a non-empty string or null",
        "draft.text: 281 characters; social allows 280",
    ]


@pytest.mark.parametrize("data", [None, [], "draft", 3])
def test_a_draft_that_is_not_an_object_is_refused(data: object) -> None:
    with pytest.raises(StatementsError, match="draft: must be an object"):
        Draft.from_dict(data)


def test_web_drafts_may_be_long_but_not_longer_than_the_web_limit() -> None:
    draft = drafts()[1].to_dict()
    assert Draft.from_dict({**draft, "text": "x" * 2000}).text == "x" * 2000
    with pytest.raises(StatementsError, match="2001 characters; web allows 2000"):
        Draft.from_dict({**draft, "text": "x" * 2001})


def test_a_revision_is_held_to_the_channel_limit_and_needs_a_reviser() -> None:
    draft = drafts()[0]
    with pytest.raises(StatementTooLongError) as caught:
        draft.revised("y" * 281, "sam@acme.test")
    assert caught.value.problems == [
        "text: The statement is 281 characters; the social channel takes at most 280."
    ]
    assert (caught.value.length, caught.value.limit) == (281, 280)
    with pytest.raises(StatementsError) as unsigned:
        draft.revised("Fine.", " ")
    assert unsigned.value.problems == ["revised_by: say who revised it"]
