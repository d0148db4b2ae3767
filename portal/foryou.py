"""For you: processes, proposals and answers matching the attributes a resident
chose to give (``participation.attributes``), each with why it is shown.

Only what the person chose counts: their municipality, their interests
(categories) and the words they asked to hear about. Nothing is inferred from what
they read, followed or supported. The home page shows it to a signed-in resident
who gave attributes (``{% for_you %}``, portal/templatetags/foryou.py); the e-mail
digest shows what is new in its period (:func:`digest_block`, registered with
``notifications.digests.register_block`` in ``PortalConfig.ready()``).

A fixed number of queries: two for the attributes (``attributes_of``), two for the
processes (the matched categories prefetched), one for the proposals and one for
the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from participation.accounts.types import Viewer
from participation.attributes.models import ResidentAttributes
from participation.attributes.selectors import attributes_of
from participation.site_url import absolute_url
from participation.spaces.models import Category, Process, public_process
from participation.templatetags.participation import tr
from proposals.models import Proposal, ProposalState
from responses.models import TrackerEntry

LIMIT = 5
MAX_TERMS = 3
MIN_TERM = 2


@dataclass(frozen=True)
class Item:
    kind: str  # "process", "proposal", "answer"
    obj: Any
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        """The chosen attributes that matched, as one list (子育て・教育、みなみ市)."""
        return pgettext("list separator", ", ").join(self.reasons)


@dataclass
class ForYou:
    attributes: ResidentAttributes
    processes: list[Item] = field(default_factory=list)
    proposals: list[Item] = field(default_factory=list)
    answers: list[Item] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.processes or self.proposals or self.answers)


def hear_about_terms(text: str) -> list[str]:
    """The words of "what would you like to hear about", as typed (at most three,
    each of two characters or more). Japanese is often written without spaces, so
    the full-width space and 、 separate words as well."""
    for separator in ("\u3000", "、", ",", "，"):
        text = text.replace(separator, " ")
    terms: list[str] = []
    for word in text.split():
        if len(word) >= MIN_TERM and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


@dataclass(frozen=True)
class _Choice:
    area_id: int | None
    area_name: str
    categories: dict[int, str]  # id → name shown
    terms: list[str]

    @classmethod
    def of(cls, found: ResidentAttributes) -> _Choice:
        return cls(
            area_id=found.area_id,
            area_name=str(tr(found.area, "name")) if found.area else "",
            categories={c.pk: str(tr(c, "name")) for c in found.interests.all()},
            terms=hear_about_terms(found.hear_about),
        )

    @property
    def anything(self) -> bool:
        return bool(self.area_id or self.categories or self.terms)

    def proposal_q(self, prefix: str = "") -> Q:
        q = Q(pk__in=[])
        if self.area_id:
            q |= Q(**{f"{prefix}area_id": self.area_id})
        if self.categories:
            q |= Q(**{f"{prefix}category_id__in": list(self.categories)})
        for term in self.terms:
            q |= Q(**{f"{prefix}title__icontains": term})
        return q

    def proposal_reasons(self, proposal: Proposal) -> tuple[str, ...]:
        reasons = []
        if proposal.category_id in self.categories:
            reasons.append(self.categories[proposal.category_id])
        if self.area_id and proposal.area_id == self.area_id:
            reasons.append(self.area_name)
        folded = proposal.title.casefold()
        reasons += [f"“{t}”" for t in self.terms if t.casefold() in folded]
        return tuple(reasons)


def _window(
    qs: QuerySet[Any], name: str, since: datetime | None, until: datetime | None
) -> QuerySet[Any]:
    if since is not None:
        qs = qs.filter(**{f"{name}__gte": since})
    if until is not None:
        qs = qs.filter(**{f"{name}__lt": until})
    return qs


def _processes(
    choice: _Choice, since: datetime | None, until: datetime | None
) -> list[Item]:
    if not (choice.area_id or choice.categories):
        return []
    in_area = Process.areas.through.objects.filter(
        process_id=OuterRef("pk"), area_id=choice.area_id
    )
    in_categories = Process.categories.through.objects.filter(
        process_id=OuterRef("pk"), category_id__in=list(choice.categories)
    )
    qs: QuerySet[Process] = (
        Process.objects.published()
        .annotate(in_area=Exists(in_area), in_categories=Exists(in_categories))
        .filter(Q(in_area=True) | Q(in_categories=True))
        .prefetch_related(
            Prefetch(
                "categories",
                queryset=Category.objects.filter(
                    pk__in=list(choice.categories)
                ).order_by("name"),
                to_attr="matched_categories",
            )
        )
        .order_by("position", "-created_at")
    )
    qs = _window(qs, "created_at", since, until)
    items = []
    for process in qs[:LIMIT]:
        reasons = [choice.categories[c.pk] for c in process.matched_categories]
        if process.in_area:
            reasons.append(choice.area_name)
        items.append(Item("process", process, tuple(reasons)))
    return items


def _proposals(
    choice: _Choice, viewer: Viewer, since: datetime | None, until: datetime | None
) -> list[Item]:
    qs = (
        Proposal.objects.public()
        .filter(
            choice.proposal_q(),
            hidden_at__isnull=True,
            state=ProposalState.PUBLISHED,
        )
        .exclude(author_id=viewer.pk)
        .select_related("process", "category", "area")
        .order_by("-created_at", "-id")
    )
    qs = _window(qs, "created_at", since, until)
    return [Item("proposal", p, choice.proposal_reasons(p)) for p in qs[:LIMIT]]


def _answers(
    choice: _Choice, since: datetime | None, until: datetime | None
) -> list[Item]:
    qs = (
        TrackerEntry.objects.filter(
            public_process("process"),
            choice.proposal_q("proposal__"),
            proposal__hidden_at__isnull=True,
            response__isnull=False,
            decided_at__isnull=False,
        )
        .select_related(
            "proposal", "proposal__category", "proposal__area", "department"
        )
        .order_by("-decided_at", "-pk")
    )
    qs = _window(qs, "decided_at", since, until)
    return [
        Item("answer", entry, choice.proposal_reasons(entry.proposal))
        for entry in qs[:LIMIT]
    ]


def for_you(
    viewer: Viewer, *, since: datetime | None = None, until: datetime | None = None
) -> ForYou | None:
    """What matches the attributes ``viewer`` chose, or None when they chose none
    that "For you" uses (or are not signed in). ``since``: only what is new since
    then (the digest's period)."""
    found = attributes_of(viewer)
    if found is None:
        return None
    choice = _Choice.of(found)
    if not choice.anything:
        return None
    result = ForYou(attributes=found)
    result.processes = _processes(choice, since, until)
    result.proposals = _proposals(choice, viewer, since, until)
    result.answers = _answers(choice, since, until)
    return result


# --- the digest -----------------------------------------------------------------------


def digest_block(user: Any, start: datetime, end: datetime) -> dict[str, Any] | None:
    """The "For you" block of a digest: what is new in its period and matches the
    attributes the recipient chose. Called in the recipient's language."""
    found = for_you(user, since=start, until=end)
    if found is None or found.empty:
        return None
    items = []
    for item in [*found.processes, *found.proposals, *found.answers]:
        if item.kind == "process":
            title, url = str(tr(item.obj, "title")), item.obj.get_absolute_url()
        elif item.kind == "proposal":
            title, url = item.obj.title, item.obj.get_absolute_url()
        else:
            title = str(_("Answer: %(title)s") % {"title": item.obj.proposal.title})
            url = item.obj.get_absolute_url()
        items.append(
            {
                "title": title,
                "link": absolute_url(url),
                "why": str(_("Because you chose: %(why)s") % {"why": item.why}),
            }
        )
    return {
        "key": "for_you",
        "title": str(_("For you")),
        "intro": str(
            _(
                "New and matching what you chose to tell about yourself (never what "
                "you read). Change it on your “About you” page:"
            )
        ),
        "intro_link": absolute_url("/accounts/attributes/"),
        "items": items,
    }
