"""Explicit hooks that apps above ``proposals`` register in their ``ready()``.

``proposals`` must not import ``responses``; when a proposal reaches its support
threshold, the response tracker needs to know at once, inside the same transaction;
and the proposals API shows and filters by where proposals stand in the tracker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from proposals.models import Proposal

ThresholdHandler = Callable[["Proposal"], Any]
threshold_reached_handlers: list[ThresholdHandler] = []


def on_threshold_reached(handler: ThresholdHandler) -> ThresholdHandler:
    if handler not in threshold_reached_handlers:
        threshold_reached_handlers.append(handler)
    return handler


def threshold_reached(proposal: Proposal) -> None:
    for handler in list(threshold_reached_handlers):
        handler(proposal)


# Which department is answering for a proposal, if any: the tracker knows. Used to badge
# an official's comment with the department that is actually handling the proposal.
DepartmentResolver = Callable[["Proposal"], "int | None"]
handling_department_resolvers: list[DepartmentResolver] = []


def on_handling_department(resolver: DepartmentResolver) -> DepartmentResolver:
    if resolver not in handling_department_resolvers:
        handling_department_resolvers.append(resolver)
    return resolver


def handling_department_id(proposal: Proposal) -> int | None:
    for resolver in list(handling_department_resolvers):
        department_id = resolver(proposal)
        if department_id is not None:
            return department_id
    return None


# Where proposals stand in the tracker, for the proposals API: its list filters by
# tracker status and handling department (the "status" and "department" parameters)
# and each proposal carries its tracker summary. The tracker knows both.
ListFilter = Callable[["QuerySet[Proposal]", dict[str, Any]], "QuerySet[Proposal]"]
list_filters: list[ListFilter] = []


def on_list_filter(handler: ListFilter) -> ListFilter:
    """Register ``handler(proposals, filters)``: it filters the API's proposal list
    by the parameters it owns and selects what its summaries need."""
    if handler not in list_filters:
        list_filters.append(handler)
    return handler


def filter_list(
    proposals: QuerySet[Proposal], filters: dict[str, Any]
) -> QuerySet[Proposal]:
    for handler in list(list_filters):
        proposals = handler(proposals, filters)
    return proposals


SummaryLoader = Callable[[list["Proposal"]], dict[int, dict[str, Any]]]
tracker_summary_loaders: list[SummaryLoader] = []


def on_tracker_summaries(loader: SummaryLoader) -> SummaryLoader:
    """Register ``loader(proposals)`` → ``{proposal id: tracker summary}``."""
    if loader not in tracker_summary_loaders:
        tracker_summary_loaders.append(loader)
    return loader


def tracker_summaries(proposals: list[Proposal]) -> dict[int, dict[str, Any]]:
    summaries: dict[int, dict[str, Any]] = {}
    for loader in list(tracker_summary_loaders):
        summaries.update(loader(proposals))
    return summaries


# What apps above proposals show on a proposal card (the tracker: its status and
# department). Each adds what it needs to a list's query, so that a page of cards
# costs no query per card.
CardQuery = Callable[["QuerySet[Proposal]"], "QuerySet[Proposal]"]
card_queries: list[CardQuery] = []


def on_card_query(query: CardQuery) -> CardQuery:
    if query not in card_queries:
        card_queries.append(query)
    return query


def for_cards(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    for query in list(card_queries):
        qs = query(qs)
    return qs


# What apps above proposals print on each proposal card (the tracker: its status),
# below the card's title and badges. ``part(context)`` is called once per page of
# cards (``context``: the page's template context) and returns
# ``render(proposal) -> HTML``, called per card without a query (what it shows
# comes from the list's query: ``on_card_query``).
CardPart = Callable[[Any], Callable[["Proposal"], str]]
card_part_factories: list[CardPart] = []


def on_card_part(part: CardPart) -> CardPart:
    if part not in card_part_factories:
        card_part_factories.append(part)
    return part


def card_parts(context: Any) -> list[Callable[[Proposal], str]]:
    return [part(context) for part in list(card_part_factories)]
