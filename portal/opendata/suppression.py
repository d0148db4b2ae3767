"""Small-group suppression for a column of figures that adds up to a published total.

A table of participation by group (age band, municipality) has one column per
figure (participants, proposals, …) and one row per group, "not given" included, so
that each column adds up to the site's total, which is published anyway. For each
cell we know how many *people* stand behind it (the participants of that group, the
authors of its proposals, …). :func:`suppress` decides which cells of one column to
withhold:

1. **Primary suppression.** A cell about ``0 < people < k`` is withheld. Zero is
   shown: it is about nobody.
2. **Complementary suppression.** The total is public, so a single withheld cell is
   the total minus the others. While a column withholds exactly one cell, or its
   withheld cells together are about fewer than ``k`` people (two small groups
   would give away their sum), the cell about the fewest people among the others is
   withheld too (zeros never: hiding a zero protects nothing), preferring cells not
   named in ``last_resort`` (the "not given" row: withholding it would also hide how
   many people gave the attribute).
3. When no cell is left to add, the column stays as it is: every other cell is
   withheld already, and the total itself obeys the site-wide floor (``kpis``).

The function is pure (lists in, a list of booleans out), so every edge case is a
one-line test (tests/portal/test_suppression.py).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

K = 5


def suppress(
    people: Sequence[int], *, k: int = K, last_resort: Collection[int] = ()
) -> list[bool]:
    """Which cells of one column to withhold, given the number of people behind
    each cell (the column's total being public). ``last_resort``: indexes of cells
    to withhold as a complement only when no other cell will do."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if any(n < 0 for n in people):
        raise ValueError("a count of people cannot be negative")
    withheld = [0 < n < k for n in people]

    def needs_more() -> bool:
        hidden = [n for n, w in zip(people, withheld, strict=True) if w]
        return len(hidden) == 1 or 0 < sum(hidden) < k

    while needs_more():
        candidates = [
            (i in last_resort, n, i)
            for i, n in enumerate(people)
            if not withheld[i] and n > 0
        ]
        if not candidates:
            break
        _late, _n, index = min(candidates)
        withheld[index] = True
    return withheld
