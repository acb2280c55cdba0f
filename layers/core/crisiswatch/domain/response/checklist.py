"""The communication checklist of an incident: what a crisis team must have done, and who did it.

The flow ticks what it can see happen (an acknowledgement, an approval, a publication); people tick
the rest from their action-link page (stakeholders informed, legal review). An item is ticked once:
the first tick, with its actor and time, is the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..speech import N_, SOURCE, Speech


class ChecklistItem(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    FACTS_GATHERED = "facts_gathered"
    STATEMENT_APPROVED = "statement_approved"
    PUBLISHED = "published"
    STAKEHOLDERS_INFORMED = "stakeholders_informed"
    LEGAL_REVIEWED = "legal_reviewed"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    REVIEW_DONE = "review_done"


LABELS = {
    ChecklistItem.ACKNOWLEDGED: N_("Acknowledged by an owner"),
    ChecklistItem.FACTS_GATHERED: N_("Facts gathered"),
    ChecklistItem.STATEMENT_APPROVED: N_("Holding statement approved"),
    ChecklistItem.PUBLISHED: N_("Statement published"),
    ChecklistItem.STAKEHOLDERS_INFORMED: N_("Internal stakeholders informed"),
    ChecklistItem.LEGAL_REVIEWED: N_("Legal reviewed"),
    ChecklistItem.MONITORING: N_("Monitoring"),
    ChecklistItem.RESOLVED: N_("Resolved"),
    ChecklistItem.REVIEW_DONE: N_("Post-crisis review done"),
}

TICKED_BY_PEOPLE = frozenset({ChecklistItem.STAKEHOLDERS_INFORMED, ChecklistItem.LEGAL_REVIEWED})
"""Only a person knows these happened; everything else the flow ticks when it happens."""


@dataclass(frozen=True)
class ChecklistLine:
    item: ChecklistItem
    label: str
    done_by: str | None
    done_at: str | None
    tickable: bool
    """A person may tick it from their page."""


def items_for(includes_legal: bool) -> tuple[ChecklistItem, ...]:
    """The checklist of an incident: legal review only when the route pulled legal in."""
    return tuple(item for item in ChecklistItem if includes_legal or item is not ChecklistItem.LEGAL_REVIEWED)


def checklist_lines(
    ticked: dict[str, dict[str, str]], includes_legal: bool, speech: Speech = SOURCE
) -> list[ChecklistLine]:
    lines = []
    for item in items_for(includes_legal):
        done = ticked.get(item.value)
        lines.append(
            ChecklistLine(
                item=item,
                label=speech.gettext(LABELS[item]),
                done_by=done.get("by") if done else None,
                done_at=done.get("at") if done else None,
                tickable=done is None and item in TICKED_BY_PEOPLE,
            )
        )
    return lines


def parse_person_item(raw: str, includes_legal: bool) -> ChecklistItem | None:
    """The item a person asked to tick, if it is one people tick on this incident."""
    try:
        item = ChecklistItem(raw)
    except ValueError:
        return None
    if item not in TICKED_BY_PEOPLE or item not in items_for(includes_legal):
        return None
    return item
