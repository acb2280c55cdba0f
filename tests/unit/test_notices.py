"""The words people receive: an email that explains, an SMS that fits one GSM-7 part with its link whole."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.crisis_plan import Message, Phase
from crisiswatch.domain.response.incidents import Incident
from crisiswatch.domain.response.notices import SMS_LIMIT, Asking, Notice, compose, gsm7, sms_text
from tests.fakes import BASE_URL, T0, make_incident

LINK_ID = "Xb3kQ9pLm2vT7wZr1cYd0A"
URL = f"{BASE_URL}/a/{LINK_ID}"
EXPIRES = T0 + timedelta(minutes=18, seconds=30)
STATEMENT = "We're aware of the problem reported with one of our products and we're looking into it now."

# GSM 03.38 basic character set: one septet each. The extension table (e.g. []{}~^|\\€) costs two.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
HOSTILE_BRANDS = [
    "Acme Coffee",
    "A" * 80,
    "Café Zoë’s 🍩 Bakery",
    "北京烤鸭连锁店",
    "Brace{s} [and] ~tilde^ |pipe| back\\slash €uro",
    "Line\nbreak\tand\x00control",
    "",
    "   ",
]
BASE_URLS = [
    BASE_URL,
    "https://go.example.com",
    "https://go.example.com/",
    "https://crisis-links.very-long-company-name.example.com/x",
    "https://" + "a" * 60 + ".example.com/" + "p" * 40,
]


def notice(
    incident: Incident,
    phase: Phase = Phase.TIERS,
    message: Message = Message.NOTIFY,
    url: str = URL,
    who: str = "tier 1: On-call responders",
) -> Notice:
    return compose(incident, Asking(phase, message, who, EXPIRES, STATEMENT), "Tier 1 responder", url)


def assert_fits_with_link(sms: str, url: str) -> None:
    assert len(sms) <= SMS_LIMIT, (len(sms), sms)
    assert set(sms) <= GSM7_BASIC, sorted(set(sms) - GSM7_BASIC)
    assert sms.endswith(" " + url) or sms == url, sms


# ----- SMS ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("brand", HOSTILE_BRANDS)
@pytest.mark.parametrize("base_url", BASE_URLS)
@pytest.mark.parametrize(
    ("phase", "message"),
    [
        (Phase.TIERS, Message.NOTIFY),
        (Phase.TIERS, Message.REMIND),
        (Phase.OWNER, Message.NOTIFY),
        (Phase.MONITOR, Message.NOTIFY),
        (Phase.REVIEW, Message.NOTIFY),
    ],
)
def test_every_sms_fits_one_gsm7_part_with_its_link_whole(
    brand: str, base_url: str, phase: Phase, message: Message
) -> None:
    url = f"{base_url.rstrip('/')}/a/{LINK_ID}"

    sms = notice(make_incident(brand=brand), phase, message, url).sms

    assert_fits_with_link(sms, url)
    assert sms.startswith("CrisisWatch") or len(url) > SMS_LIMIT - len("CrisisWatch") - 2


_url_chars = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-")


@settings(max_examples=300, deadline=None)
@given(
    brand=st.text(max_size=120),
    host=st.text(_url_chars, min_size=1, max_size=60),
    path=st.text(
        st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-"), max_size=40
    ),
    severity=st.sampled_from(Severity),
    label=st.text(max_size=40),
)
@example(brand="🍩" * 50, host="x", path="", severity=Severity.SEV1, label="decide")
@example(brand="W" * 120, host="h" * 60, path="p" * 40, severity=Severity.SEV3, label="ß" * 40)
def test_any_brand_and_base_url_give_an_sms_in_one_gsm7_part_with_the_link_whole(
    brand: str, host: str, path: str, severity: Severity, label: str
) -> None:
    url = f"https://{host}.example.com/{path}/a/{LINK_ID}"
    incident = make_incident(brand=brand, severity=severity)

    sms = sms_text(incident, label, url)

    assert_fits_with_link(sms, url)
    assert url in sms and len(re.findall(re.escape(url), sms)) == 1


def test_a_short_sms_keeps_severity_brand_and_what_to_do() -> None:
    sms = notice(make_incident(severity=Severity.SEV1)).sms

    assert sms == f"CrisisWatch SEV1 Acme Coffee decide: {URL}"


def test_a_reminder_sms_says_so() -> None:
    sms = notice(make_incident(), Phase.TIERS, Message.REMIND).sms

    assert sms == f"CrisisWatch SEV2 Acme Coffee reminder, decide: {URL}"


def test_a_brand_without_gsm7_letters_is_left_out_of_the_sms() -> None:
    sms = notice(make_incident(brand="北京烤鸭")).sms

    assert sms == f"CrisisWatch SEV2 decide: {URL}"


def test_a_long_brand_is_cut_in_the_sms_and_the_head_gives_way_to_the_link() -> None:
    long_url = "https://" + "l" * 80 + ".example.com/a/" + LINK_ID  # 125 characters

    short = notice(make_incident(brand="B" * 80)).sms
    squeezed = notice(make_incident(brand="B" * 80), url=long_url).sms

    assert "B" * 24 in short and "B" * 25 not in short
    assert squeezed.endswith(" " + long_url) and len(squeezed) == SMS_LIMIT
    assert squeezed.startswith("CrisisWatch SEV2 BBBB")


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Café Zoë", "Cafe Zoe"),
        ("Zoë’s 🍩 Bakery", "Zoes Bakery"),
        ("tab\tnew\nline", "tab new line"),
        ("{braces} [x] ~^|\\€", "braces x"),
        ("  spaced   out  ", "spaced out"),
        ("北京", ""),
        ("a\x00b", "ab"),
    ],
)
def test_gsm7_folds_accents_and_drops_what_would_not_fit_one_septet(raw: str, folded: str) -> None:
    assert gsm7(raw) == folded


# ----- email ----------------------------------------------------------------------------------------


def test_the_tier_email_names_the_person_the_incident_the_deadline_and_the_statement() -> None:
    incident = make_incident(summary="60 mentions in 5 min against 5.0 expected")

    sent = notice(incident)

    assert sent.email.startswith("Hello Tier 1 responder,")
    assert incident.incident_id in sent.email
    assert incident.summary in sent.email
    assert "Crisis types: product failure" in sent.email
    assert "before Thu 23 May 2024, 12:18 UTC" in sent.email
    assert STATEMENT in sent.email
    assert URL in sent.email
    assert "Opening it changes nothing until you confirm" in sent.email
    assert sent.subject == "[SEV2] Acme Coffee: decision needed (tier 1: On-call responders)"


def test_a_reminder_email_says_reminder_in_the_subject_and_the_lead() -> None:
    sent = notice(make_incident(), Phase.TIERS, Message.REMIND)

    assert sent.subject == "[SEV2] Acme Coffee: REMINDER, decision needed (tier 1: On-call responders)"
    assert "Reminder: incident inc-acme-coffee-20240523T1200Z" in sent.email
    assert URL in sent.email


def test_the_owner_email_says_they_own_it() -> None:
    sent = notice(make_incident(), Phase.OWNER, who="the incident's owner")

    assert "own it now" in sent.email
    assert "(the incident's owner)" in sent.subject
    assert "acknowledge it" not in sent.email  # the owner already did
    assert sent.sms == f"CrisisWatch SEV2 Acme Coffee you own it, approve: {URL}"


def test_the_monitoring_email_says_published_and_how_to_resolve() -> None:
    sent = notice(make_incident(), Phase.MONITOR)

    assert sent.subject == "[SEV2] Acme Coffee: statement published, monitoring"
    assert f"resolve it here: {URL}" in sent.email
    assert sent.email.startswith("Hello Tier 1 responder,")


def test_the_review_email_asks_for_the_review_by_its_deadline() -> None:
    sent = notice(make_incident(), Phase.REVIEW)

    assert sent.subject == "[SEV2] Acme Coffee: resolved, post-crisis review due"
    assert "before Thu 23 May 2024, 12:18 UTC" in sent.email and URL in sent.email
    assert "inc-acme-coffee-20240523T1200Z is resolved" in sent.email


def test_an_incident_without_crisis_types_says_none_named() -> None:
    sent = notice(make_incident(crisis_types=()))

    assert "Crisis types: none named" in sent.email


def test_a_deadline_days_away_names_its_date() -> None:
    week = T0 + timedelta(days=7)

    asking = Asking(Phase.REVIEW, Message.NOTIFY, "the owner", week, STATEMENT)
    sent = compose(make_incident(), asking, "Owner", URL)

    assert "2024-05-30" in sent.email or "30 May" in sent.email
