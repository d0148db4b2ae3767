"""The tracker's repeated fragments, rendered fast: the rows of the tracker table
(``templates/jinja2/responses/tracker_row.html``: the tracker and department
pages, 25 rows a page) and the tracker's status on a proposal card
(``templates/jinja2/responses/card_status.html``, added to every proposal card
through ``proposals.events.on_card_part``).

In Django's template language a row cost some 40 lookups, 10 ``{% translate %}``,
a ``reverse()`` per link and 4 dates; here the words (gettext calls below, so that
``makemessages`` finds them; decisions', implementations' and updates' labels
too), the addresses and the date formats are made once per page
(``participation.cards``). Pages use ``{% tracker_rows entries %}``; one row alone
``render_rows([entry])``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.cards import Address, Dates, counter, per_language, render, template
from participation.templatetags.participation import tr
from responses import selectors
from responses.models import EventKind
from responses.templatetags.responses_tags import decision_class, implementation_class
from responses.transitions import Decision, Implementation


@per_language
def words() -> dict[str, Any]:
    """The tracker's words in the active language, labels of choices included."""
    return {
        "status": _("Status"),
        "department": _("Department"),
        "days": _("Days"),
        "due": _("Due"),
        "latest_update": _("Latest update"),
        "supports": _("Supports"),
        "disputed": _("Disputed"),
        "review_due": _("Review due"),
        "review_date": _("Review date"),
        "not_assigned": _("Not assigned"),
        "decision": {value: str(label) for value, label in Decision.choices},
        "implementation": {
            value: str(label) for value, label in Implementation.choices
        },
        "update": {value: str(label) for value, label in EventKind.choices},
    }


def _label(labels: dict[str, str], value: Any) -> str:
    """What ``get_<field>_display()`` says: the choice's label, else the value."""
    return labels.get(value, value)


def _helpers(when: Dates, t: dict[str, Any]) -> dict[str, Any]:
    return {
        "t": t,
        "day": when.date,
        "iso": when.iso,
        "tr": tr,
        "decision_class": decision_class,
        "implementation_class": implementation_class,
        "decision": lambda entry: _label(t["decision"], entry.decision),
        "implementation": lambda entry: _label(
            t["implementation"], entry.implementation
        ),
    }


@dataclass
class _RowAddresses:
    proposal: Address
    department: Address


class TrackerRows:
    """What every row of one tracker table shares: made once per table, then
    :meth:`render` per entry (entries from ``selectors.tracker_entries`` and the
    like: proposal, process, department and section selected)."""

    def __init__(self) -> None:
        self.template = template("responses/tracker_row.html")
        t = words()
        self.base = {
            **_helpers(Dates(), t),
            "url": _RowAddresses(
                proposal=Address("proposals:detail"),
                department=Address("responses:department"),
            ),
            "update": lambda entry: str(t["update"].get(entry.last_update_kind, "")),
            "answered_in": counter(
                lambda n: ngettext("Answered in %(n)s day", "Answered in %(n)s days", n)
            ),
            "days_overdue": counter(
                lambda n: ngettext("%(n)s day overdue", "%(n)s days overdue", n)
            ),
            "waiting": counter(
                lambda n: ngettext("Waiting %(n)s day", "Waiting %(n)s days", n)
            ),
        }

    def render(self, entry: Any) -> SafeString:
        return render(self.template, {**self.base, "entry": entry})


def render_rows(entries: Any) -> SafeString:
    """``{% tracker_rows entries %}``: each entry as its row of the tracker table."""
    shared = TrackerRows()
    return mark_safe("".join(shared.render(entry) for entry in entries))  # noqa: S308 - autoescaped rows


class CardStatus:
    """The tracker's status on the proposal cards of one page: the proposal's
    entry when the list's query selected it (``selectors.proposals_with_tracker``),
    else nothing and no query."""

    def __init__(self) -> None:
        self.template = template("responses/card_status.html")
        self.base = {
            **_helpers(Dates(), words()),
            "overdue_by": counter(
                lambda n: ngettext("Overdue by %(n)s day", "Overdue by %(n)s days", n)
            ),
        }

    def render(self, proposal: Any) -> SafeString:
        entry = selectors.entry_of(proposal)
        if entry is None:
            return mark_safe("")
        return render(self.template, {**self.base, "entry": entry})


def card_status_part(context: Any) -> Any:
    """``proposals.events.on_card_part``: the status, once per page of cards."""
    return CardStatus().render
