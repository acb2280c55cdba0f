"""PynamoDB models of every table. Table names are bound once at wiring time from the settings.

Key design: every hot write path is keyed by something high-cardinality (mention id, link hash,
incident id); only the per-brand bucket counters share a partition per brand, which is the nature of
an aggregate.
"""

from __future__ import annotations

import base64
import json
import zlib
from functools import cache
from typing import Any

from pynamodb.attributes import (
    Attribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.constants import BINARY
from pynamodb.models import Model

from ..config import Tables


class CompressedJSONAttribute(Attribute[Any]):
    """JSON, deflated, as binary: a source's raw payload is most of a mention and shrinks to about a
    third, and a write is billed per started kilobyte."""

    attr_type = BINARY

    def serialize(self, value: Any) -> bytes:
        return zlib.compress(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 9)

    def deserialize(self, value: bytes | str) -> Any:
        # A stream record reaches Lambda as JSON, where binary values are base64 text.
        raw = base64.b64decode(value) if isinstance(value, str) else value
        return json.loads(zlib.decompress(raw).decode("utf-8"))


class MentionItem(Model):
    class Meta:
        table_name = "unbound-mentions"

    mention_id = UnicodeAttribute(hash_key=True)
    brand = UnicodeAttribute()
    source = UnicodeAttribute()
    native_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    text = UnicodeAttribute(null=True)
    author = UnicodeAttribute(null=True)
    author_followers = NumberAttribute(default=0)
    url = UnicodeAttribute(null=True)
    """`text`, `author` and `url` as items stored before `packed` hold them."""
    lang = UnicodeAttribute(default="und")
    lang_tag = UnicodeAttribute(null=True)
    """The source's language tag when it differs from `lang` (absent on items stored before it)."""
    packed = CompressedJSONAttribute(null=True)
    """`{"text", "author", "url", "extra", "engagement"}` deflated together: the raw payload in `extra`
    repeats the text, which deflate then stores once."""
    extra = JSONAttribute(null=True)
    engagement = JSONAttribute(null=True)
    """`extra` and `engagement` as items stored before `packed` hold them; never written now."""
    group = UnicodeAttribute(null=True)
    """The counting group: mentions stored together are marked counted together (`DynamoAggregateStore`);
    absent on items stored before groups, which are counted one by one."""
    syndicated_of = UnicodeAttribute(null=True)
    """The mention id of the first copy seen, when this one is a copy."""
    fetched_at = UTCDateTimeAttribute(null=True)
    """On items stored before it was dropped (nobody read it)."""
    expires_at = TTLAttribute()


class QuarantineItem(Model):
    class Meta:
        table_name = "unbound-quarantine"

    item_id = UnicodeAttribute(hash_key=True)
    source = UnicodeAttribute()
    reason = UnicodeAttribute()
    raw = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class CursorItem(Model):
    class Meta:
        table_name = "unbound-cursors"

    cursor_key = UnicodeAttribute(hash_key=True)
    """`<brand>#<source id>` for cursors; `health#...` breaker state; `usage#...` budget counters."""
    cursor = UnicodeAttribute(default="")
    packed = CompressedJSONAttribute(null=True)
    """A long cursor (a connector's recent ids), deflated; `cursor` is then empty."""
    used = NumberAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    """On items written before it was dropped (nobody read it)."""


class StoryItem(Model):
    class Meta:
        table_name = "unbound-stories"

    story_key = UnicodeAttribute(hash_key=True)
    first_mention_id = UnicodeAttribute()
    expires_at = TTLAttribute()


class BucketItem(Model):
    """Counters keyed `pk`=brand, `sk`=`<bucket start>#<source>`. Counting is made idempotent by ledgers
    in partitions of their own: `ledger#<group>` items hold the hashes of their group's mentions counted
    so far (`counted`), and `seen#<mention id>` markers stand for mentions stored before groups."""

    class Meta:
        table_name = "unbound-buckets"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    volume = NumberAttribute(default=0)
    negative = NumberAttribute(default=0)
    """Negative mentions; on a crisis-type counter, its negative reports."""
    scored = NumberAttribute(default=0)
    """Mentions whose sentiment could be read; on a crisis-type counter, such reports."""
    negative_reach = NumberAttribute(default=0)
    compound_sum = NumberAttribute(default=0)
    positive = NumberAttribute(default=0)
    """On a crisis-type counter: its reports whose sentiment is positive."""
    reach = NumberAttribute(default=0)
    """On a crisis-type counter: followers of its reports' authors, summed."""
    authors = NumberSetAttribute(null=True)
    """On a crisis-type counter: the slots of its reports' distinct authors (`author_slot`)."""
    counted = NumberSetAttribute(null=True)
    """On a ledger: the hashes (`mention_hash`) of its group's mentions already counted."""
    expires_at = TTLAttribute(null=True)


class DetectorItem(Model):
    class Meta:
        table_name = "unbound-detector"

    brand = UnicodeAttribute(hash_key=True)
    packed_state = CompressedJSONAttribute(null=True)
    """`DetectorState.to_dict()`, deflated: written every scoring batch, a few KB of JSON become one."""
    state = JSONAttribute(null=True)
    """The state as items saved before `packed_state` hold it (removed at their next save)."""
    version = NumberAttribute(default=0)
    open_incident_id = UnicodeAttribute(null=True)
    false_alarms = ListAttribute[Any](null=True)
    """Incidents people dismissed: {"incident_id", "by", "at"}, newest last."""


class IncidentItem(Model):
    class Meta:
        table_name = "unbound-incidents"

    incident_id = UnicodeAttribute(hash_key=True)
    brand = UnicodeAttribute()
    severity = UnicodeAttribute()
    status = UnicodeAttribute()
    opened_at = UTCDateTimeAttribute()
    detected_bucket = UTCDateTimeAttribute()
    detected_at = UTCDateTimeAttribute(null=True)
    summary = UnicodeAttribute(default="")
    explanation = JSONAttribute(default=dict)
    crisis_types = ListAttribute(of=UnicodeAttribute, default=list)
    decision = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    execution_arn = UnicodeAttribute(null=True)
    owner = UnicodeAttribute(null=True)
    route = JSONAttribute(default=dict)
    drafts = JSONAttribute(default=list)
    statement = JSONAttribute(null=True)
    checklist = MapAttribute[str, Any](default=dict)  # type: ignore[no-untyped-call]
    """Item -> {"by", "at"}: a map, so one item is ticked with a conditional update of its own path."""
    resolved_at = UTCDateTimeAttribute(null=True)
    review = JSONAttribute(null=True)


class ActionLinkItem(Model):
    """Links keyed by the hash of their id; `request#<notification>` items hold a request and the task
    token of its wait; `current#<incident>` names an incident's current request; `decision#<notification>`
    items make one click win."""

    class Meta:
        table_name = "unbound-links"

    key = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute(default="")
    notification_id = UnicodeAttribute(default="")
    tier = NumberAttribute(default=0)
    recipient = UnicodeAttribute(default="")
    expires_at = UTCDateTimeAttribute(null=True)
    allowed = ListAttribute[str](default=list)
    state = UnicodeAttribute(default="pending")
    decision = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    winning_key = UnicodeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)
    phase = UnicodeAttribute(null=True)
    recipients = ListAttribute[str](null=True)
    purge_at = TTLAttribute(null=True)


class AuditItem(Model):
    class Meta:
        table_name = "unbound-audit"

    incident_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    """`<ISO time>#<random>`: ordered by time, never colliding."""
    kind = UnicodeAttribute()
    actor = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    detail = JSONAttribute(default=dict)


@cache
def transaction_connection() -> Connection:
    """The connection transactions go through, one per container: each new one builds a botocore client
    (about 0.1 s). Like the models' own connections, it is made afresh after `bind_tables`."""
    return Connection()


def bind_tables(tables: Tables) -> None:
    """Point the models at the deployed tables (the names come from the stack through the settings).

    The cached connections are dropped too: they remember the endpoint and region they were made for,
    and a process that binds to another stack (a test, an operator's CLI) must reach that stack.
    """
    transaction_connection.cache_clear()
    pairs: list[tuple[type[Model], str]] = [
        (MentionItem, tables.mentions),
        (QuarantineItem, tables.quarantine),
        (CursorItem, tables.cursors),
        (StoryItem, tables.stories),
        (BucketItem, tables.buckets),
        (DetectorItem, tables.detector),
        (IncidentItem, tables.incidents),
        (ActionLinkItem, tables.links),
        (AuditItem, tables.audit),
    ]
    for model, name in pairs:
        if name:
            model.Meta.table_name = name
            model._connection = None  # a cached connection remembers the old name
