"""Pages of long lists whose rows are wide."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator


class KeysFirstPaginator(Paginator):
    """A page found in two queries: first the page's primary keys, in the list's
    order, then those rows with everything the queryset selects.

    A list sorted on an expression (the tracker: overdue first, then by deadline)
    cannot be read in order from an index, so the database sorts every matching
    row before it keeps one page. Sorting rows joined with all they select (the
    tracker's entry, proposal, process, department, section…: 3.4 kB each) took
    11 ms for 2,000 entries on PostgreSQL; sorting the keys alone, then reading 25
    rows by key, about 1 ms. ``object_list`` must be a queryset; its ``values``
    drop ``select_related`` and keep filters, annotations and order."""

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys).order_by()}
        return self._get_page([rows[k] for k in keys if k in rows], number, self)
