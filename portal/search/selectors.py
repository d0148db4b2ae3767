"""Search across proposals, comments and responses: one function for the web page
and the API (``search()`` for the matching documents, ``hits()`` to show them).

Japanese has no spaces between words, so matching is by substring, not by word.
A query is split on white space into terms; a document must contain every term.
Documents and terms are folded the same way (``participation.search.fold``):
width, case, hiragana/katakana, iteration and long-vowel marks, and Sudachi's
normalised spellings (子ども/こども/子供). A term matches when any of its folded
forms is in the document's folded text. Forms of three characters or more use the
trigram index; shorter ones (公園, 園, EV) the index of one- and two-character
substrings. By relevance, documents that contain every term as typed (ignoring
ASCII case) come first, then the rest, up to ``EXACT_LIMIT`` candidates (above,
the order is by type and date alone, read from the index, and the counts per type
stop at ``COUNT_CAP``: "1,000+").
"""

# Match conditions are RawSQL with the search terms always passed as parameters;
# only this module's table name is formatted into the SQL.
# ruff: noqa: S608, S611

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from participation.errors import Invalid
from participation.search import fold, sources
from participation.search.models import DocumentKind, SearchDocument
from participation.spaces.models import Process
from proposals.models import Comment, Proposal
from responses.models import TrackerEntry

MAX_QUERY_LENGTH = 100
MAX_TERMS = 6
SHORT = 3  # terms shorter than this use the one/two-character index
SORTS = ("relevance", "newest", "oldest")
COMMON = 2000  # candidates above which a term counts as very common
COUNT_CAP = 1000  # per-type counts stop here ("1,000+")
EXACT_LIMIT = 300  # candidates up to which SQLite puts exact matches first

STATUS_FILTERS: dict[str, Any] = {
    "open": _("Open"),
    "withdrawn": _("Withdrawn"),
    "answered": _("Answered by a department"),
}
_STATE_OF_STATUS = {"open": "published", "withdrawn": "withdrawn"}

_ASCII_PUNCT_ONLY = re.compile(r"^[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+$")
_ASCII_NON_ALNUM = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]")


def parse_terms(q: str) -> list[str]:
    """Split a query into distinct terms; raise ``Invalid`` on unusable input."""
    text = unicodedata.normalize("NFC", q or "")
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    text = text.strip()
    if not text:
        raise Invalid(_("Type something to search for."), code="empty_query")
    if len(text) > MAX_QUERY_LENGTH:
        raise Invalid(
            _("Search for at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH},
            code="query_too_long",
            field_errors={"q": ["max_length"]},
        )
    terms: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for term in text.split():
        # A lone punctuation mark or two ("-", "?!", "？") finds nothing useful.
        width_folded = unicodedata.normalize("NFKC", term)
        if len(width_folded) < SHORT and _ASCII_PUNCT_ONLY.match(width_folded):
            continue
        forms = fold.alternatives(term)
        if forms and forms not in seen:
            seen.add(forms)
            terms.append(term)
    if not terms:
        raise Invalid(_("Type letters or numbers to search for."), code="empty_query")
    if len(terms) > MAX_TERMS:
        raise Invalid(
            _("Search for at most %(n)d words at a time.") % {"n": MAX_TERMS},
            code="too_many_terms",
            field_errors={"q": ["too_many_terms"]},
        )
    return terms


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _ascii_lower(term: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in term)


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _condition(sql: str, params: list[Any]) -> RawSQL:
    return RawSQL(sql, params, output_field=BooleanField())


def _kind_token(fts: str, kind: int) -> str:
    """The FTS phrase matching the kind marker index.py stores with each row."""
    if fts == "search_gram":
        return f'"kind{kind}"'
    return f'"\x01k{kind}\x01"'


_Source = list[tuple[str, str]]  # (FTS table, MATCH expression): their union


def _fts_any(forms: list[str]) -> str:
    phrases = [_fts_phrase(f) for f in forms]
    return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"


class _Plan:
    """How to run one search on this database.

    Each term stands for its folded forms (``fold.alternatives``). On SQLite, the
    terms whose forms all use the same index are matched by one expression per
    index; a term with short and long forms (こども: こども, 子供) is matched by
    the union of both indexes. One query first counts the candidates of each
    kind in the full-text indexes (well under a millisecond; a union counts as the
    sum, an upper bound). A page of a very common term is then found by walking
    the covering (kind, date, visibility) index in result order and stopping
    after one page, instead of looking every candidate up; counts per kind look
    up at most ``COUNT_CAP + 1`` candidates of that kind.
    """

    def __init__(self, terms: list[str]) -> None:
        self.table = SearchDocument._meta.db_table
        self.vendor = connection.vendor
        self.terms = terms
        self.forms = [list(fold.alternatives(t)) for t in terms]
        self.sources: list[_Source] = []
        self.candidates: dict[int, int] = {}
        self.total = 0
        self._counts: tuple[QuerySet[SearchDocument], dict[int, int]] | None = None
        if self.vendor == "sqlite":
            pure: dict[str, list[str]] = {"search_trigram": [], "search_gram": []}
            for forms in self.forms:
                long_forms = [f for f in forms if len(f) >= SHORT]
                short_forms = [f for f in forms if len(f) < SHORT]
                if long_forms and short_forms:
                    self.sources.append(
                        [
                            ("search_trigram", _fts_any(long_forms)),
                            ("search_gram", _fts_any(short_forms)),
                        ]
                    )
                elif long_forms:
                    pure["search_trigram"].append(_fts_any(long_forms))
                else:
                    pure["search_gram"].append(_fts_any(short_forms))
            for fts, expressions in pure.items():
                if expressions:
                    self.sources.insert(0, [(fts, " AND ".join(expressions))])
            self.candidates = self._count_candidates()

    def _count_candidates(self) -> dict[int, int]:
        """Candidates per kind, from the full-text indexes alone: for each source,
        all of them and those marked with each kind but comments (short lists);
        the rest are comments."""
        marked = [k for k in sources.kind_numbers() if k != DocumentKind.COMMENT]
        width = 1 + len(marked)
        selects, params, shape = [], [], []
        for source in self.sources:
            shape.append(len(source))
            for fts, expression in source:
                selects.append(f"(SELECT count(*) FROM {fts} WHERE {fts} MATCH %s)")
                params.append(expression)
                for kind in marked:
                    selects.append(f"(SELECT count(*) FROM {fts} WHERE {fts} MATCH %s)")
                    params.append(f"({expression}) AND {_kind_token(fts, kind)}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(selects), params)
            row = cursor.fetchone()
        # Per source: [all, each marked kind...], a union counted as the sum.
        per_source: list[list[int]] = []
        position = 0
        for pairs in shape:
            counts = row[position : position + width * pairs]
            position += width * pairs
            per_source.append([sum(counts[i::width]) for i in range(width)])
        self.total = min(counts[0] for counts in per_source)
        candidates = {
            kind: min(counts[1 + i] for counts in per_source)
            for i, kind in enumerate(marked)
        }
        candidates[DocumentKind.COMMENT] = min(
            counts[0] - sum(counts[1:]) for counts in per_source
        )
        return candidates

    def ranks_exact(self, kind: int | None, base: QuerySet[SearchDocument]) -> bool:
        """Whether exact matches are put first: up to ``EXACT_LIMIT`` candidates.
        Sorting by exactness reads every candidate's text, where the order by
        type and date is read from the covering (kind, date) index and stops
        after one page. The candidates are SQLite's full-text counts, or on
        PostgreSQL the capped counts of ``base`` (``counts()``, the page's tabs)."""
        if self.vendor == "sqlite":
            candidates = self.candidates
        elif self.vendor == "postgresql":
            candidates = self.counts(base)
        else:
            return True
        if kind is None:
            return sum(candidates.values()) <= EXACT_LIMIT
        return candidates[kind] <= EXACT_LIMIT

    def walks(self, kind: int | None, *, for_page: bool = True) -> bool:
        """Whether a page is found by walking the date index (SQLite, very common
        terms); exact matches are then not put first."""
        if self.vendor != "sqlite":
            return False
        if kind is None:
            candidates = sum(self.candidates.values())
        else:
            candidates = self.candidates[kind]
        return for_page and candidates > COMMON

    def _sqlite_conditions(self, *, kind: int | None, walk: bool) -> list[Any]:
        # "+id" keeps SQLite from driving the query by looking each candidate up.
        column = f'+"{self.table}"."id"' if walk else f'"{self.table}"."id"'
        conditions: list[Any] = []
        # Narrowing by the kind marker pays off when that kind is a minority of
        # the candidates; for the majority the plain list is cheaper to read.
        narrow = kind is not None and 2 * self.candidates[kind] < self.total
        for source in self.sources:
            parts, params = [], []
            for fts, expression in source:
                if narrow and kind is not None:
                    expression = f"({expression}) AND {_kind_token(fts, kind)}"
                parts.append(
                    f"{column} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
                )
                params.append(expression)
            conditions.append(_condition("(" + " OR ".join(parts) + ")", params))
        # The token index splits at ASCII punctuation ("A-", "1."): check the
        # terms with such short forms against the folded text itself.
        for forms in self.forms:
            if any(len(f) < SHORT and _ASCII_NON_ALNUM.search(f) for f in forms):
                conditions.append(
                    _condition(
                        "("
                        + " OR ".join(
                            f'instr("{self.table}"."folded", %s) > 0' for _f in forms
                        )
                        + ")",
                        forms,
                    )
                )
        return conditions

    def conditions(
        self, kind: int | None = None, *, for_page: bool = True
    ) -> list[Any]:
        if self.vendor == "sqlite":
            return self._sqlite_conditions(
                kind=kind, walk=self.walks(kind, for_page=for_page)
            )
        if self.vendor == "postgresql":
            conditions: list[Any] = []
            single_short = [
                f[0] for f in self.forms if len(f) == 1 and len(f[0]) < SHORT
            ]
            if single_short:
                conditions.append(
                    _condition(f'"{self.table}"."grams" @> %s::text[]', [single_short])
                )
            for forms in self.forms:
                if len(forms) == 1 and len(forms[0]) < SHORT:
                    continue
                parts: list[str] = []
                params: list[Any] = []
                for form in forms:
                    if len(form) < SHORT:
                        parts.append(f'"{self.table}"."grams" @> %s::text[]')
                        params.append([form])
                    else:
                        parts.append(f'"{self.table}"."folded" LIKE %s')
                        params.append(_like_pattern(form))
                conditions.append(_condition("(" + " OR ".join(parts) + ")", params))
            return conditions
        # No index on other databases: a plain scan.
        return [_any_of(Q(folded__contains=f) for f in forms) for forms in self.forms]

    def exact(self) -> RawSQL:
        """True for a document containing every term as typed (ASCII case aside)."""
        if self.vendor == "postgresql":
            sql = " AND ".join(
                f'strpos(lower("{self.table}"."content"), %s) > 0' for _t in self.terms
            )
            params = [t.lower() for t in self.terms]
        else:
            sql = " AND ".join(
                f'instr(lower("{self.table}"."content"), %s) > 0' for _t in self.terms
            )
            params = [_ascii_lower(t) for t in self.terms]
        return RawSQL(f"({sql})", params, output_field=BooleanField())

    def counts(self, base: QuerySet[SearchDocument]) -> dict[int, int]:
        """Matches in ``base`` per kind, each counted up to ``COUNT_CAP + 1``, in
        one statement (remembered: the tabs and the page's order both use them).

        A capped count reads at most ``COUNT_CAP + 1`` rows of each kind, whatever
        the number of matches: counting every match of a term found in most
        documents (公園 on a parks process) read them all. On PostgreSQL the
        planner picks, per kind, the n-gram or trigram index's bitmap or a walk of
        the (kind, date) index, from the term's statistics."""
        if self._counts is not None and self._counts[0] is base:
            return self._counts[1]
        selects: list[str] = []
        params: list[Any] = []
        numbers = [k.number for k in sources.public_kinds()]
        counted = [
            n for n in numbers if self.vendor != "sqlite" or self.candidates.get(n)
        ]
        for number in counted:
            qs = base.filter(kind=number)
            for condition in self.conditions(number, for_page=False):
                qs = qs.filter(condition)
            sql, sub_params = (
                qs.order_by().values("id")[: COUNT_CAP + 1].query.sql_with_params()
            )
            selects.append(f"(SELECT count(*) FROM ({sql}) AS kind_{number})")
            params.extend(sub_params)
        counts = dict.fromkeys(numbers, 0)
        if selects:
            with connection.cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(selects), params)
                counts.update(zip(counted, cursor.fetchone(), strict=True))
        self._counts = (base, counts)
        return counts


def _any_of(conditions: Any) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def visible_documents() -> QuerySet[SearchDocument]:
    """Documents the public may see: no hidden proposal, no draft process."""
    return SearchDocument.objects.filter(
        kind__in=sources.kind_numbers(),
        proposal_hidden=False,
        process_id__in=Process.objects.public().values("id"),
    )


def _kind_number(slug: str) -> int | None:
    kind = sources.kind_by_slug(slug) if slug else None
    return kind.number if kind is not None else None


def _check_filters(kind: str, status: str, sort: str) -> None:
    if kind and sources.kind_by_slug(kind) is None:
        raise Invalid(_("Unknown type of result."), field_errors={"type": ["invalid"]})
    if status and status not in STATUS_FILTERS:
        raise Invalid(_("Unknown status."), field_errors={"status": ["invalid"]})
    if sort not in SORTS:
        raise Invalid(_("Unknown sort order."), field_errors={"sort": ["invalid"]})


def _filtered(
    qs: QuerySet[SearchDocument], *, process: Process | int | None, status: str
) -> QuerySet[SearchDocument]:
    if process is not None:
        qs = qs.filter(process_id=getattr(process, "pk", process))
    if status == "answered":
        qs = qs.filter(
            proposal_id__in=SearchDocument.objects.filter(
                kind=DocumentKind.RESPONSE
            ).values("proposal_id")
        )
    elif status:
        qs = qs.filter(state=_STATE_OF_STATUS[status])
    return qs


def _matching(
    plan: _Plan, base: QuerySet[SearchDocument], kind_value: int | None
) -> QuerySet[SearchDocument]:
    qs = base
    for condition in plan.conditions(kind_value):
        qs = qs.filter(condition)
    if kind_value is not None:
        qs = qs.filter(kind=kind_value)
    return qs


def _documents(
    plan: _Plan,
    base: QuerySet[SearchDocument],
    *,
    kind: str,
    sort: str,
) -> QuerySet[SearchDocument]:
    """The matches in ``base`` (visible documents, filtered), in page order."""
    kind_value = _kind_number(kind)
    qs = _matching(plan, base, kind_value)
    if sort == "newest":
        return qs.order_by("-created_at", "-id")
    if sort == "oldest":
        return qs.order_by("created_at", "id")
    if not plan.ranks_exact(kind_value, base):
        return qs.order_by("kind", "-created_at", "-id")
    return qs.order_by(plan.exact().desc(), "kind", "-created_at", "-id")


def search(
    q: str,
    *,
    kind: str = "",
    process: Process | int | None = None,
    status: str = "",
    sort: str = "relevance",
) -> QuerySet[SearchDocument]:
    """Documents matching every term of ``q``, filtered and ordered.

    ``kind``: "proposal", "comment", "response" or "" for all; ``process``: a
    process or its id; ``status``: a key of ``STATUS_FILTERS`` or ""; ``sort``: one
    of ``SORTS`` ("relevance" puts proposals first, then responses, then comments,
    newest first within each). Raises ``Invalid`` for an empty or unusable query
    or an unknown filter value. Lazy: slice or paginate it, then pass the page to
    ``hits()``. Counting it exactly may be slow for very common terms: use
    ``facets()`` for the numbers to show.
    """
    terms = parse_terms(q)
    _check_filters(kind, status, sort)
    base = _filtered(visible_documents(), process=process, status=status)
    return _documents(_Plan(terms), base, kind=kind, sort=sort)


def matches(
    q: str,
    *,
    kind: str = "",
    process: Process | int | None = None,
    status: str = "",
) -> QuerySet[SearchDocument]:
    """``search()``'s documents in no order, for a caller that orders and cuts
    its pages itself (the API's cursor): nothing is counted, where ``search()``'s
    relevance order on PostgreSQL first counts the matches per type."""
    terms = parse_terms(q)
    _check_filters(kind, status, "relevance")
    base = _filtered(visible_documents(), process=process, status=status)
    return _matching(_Plan(terms), base, _kind_number(kind))


@dataclass(frozen=True)
class Facets:
    """Matches per type. A count above ``COUNT_CAP`` is reported as the cap, with
    its type in ``capped`` ("1,000+")."""

    counts: dict[str, int]
    capped: frozenset[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def total_capped(self) -> bool:
        return bool(self.capped)

    def count_of(self, kind: str) -> int:
        return self.counts[kind] if kind else self.total

    def is_capped(self, kind: str) -> bool:
        return kind in self.capped if kind else self.total_capped

    @property
    def tabs(self) -> list[Tab]:
        """One tab per public kind, in result order (the page's type filter)."""
        return [
            Tab(k.slug, k.plural, self.counts.get(k.slug, 0), k.slug in self.capped)
            for k in sources.public_kinds()
        ]


@dataclass(frozen=True)
class Tab:
    slug: str
    label: Any
    count: int
    capped: bool


def _facets(plan: _Plan, base: QuerySet[SearchDocument]) -> Facets:
    slugs = {k.number: k.slug for k in sources.public_kinds()}
    counts = {slugs[n]: count for n, count in plan.counts(base).items()}
    capped = frozenset(slug for slug, n in counts.items() if n > COUNT_CAP)
    for slug in capped:
        counts[slug] = COUNT_CAP
    return Facets(counts, capped)


def facets(q: str, *, process: Process | int | None = None, status: str = "") -> Facets:
    """How many matches of each type (for tabs above the results)."""
    terms = parse_terms(q)
    _check_filters("", status, "relevance")
    base = _filtered(visible_documents(), process=process, status=status)
    return _facets(_Plan(terms), base)


def search_with_facets(
    q: str,
    *,
    kind: str = "",
    process: Process | int | None = None,
    status: str = "",
    sort: str = "relevance",
) -> tuple[QuerySet[SearchDocument], Facets]:
    """``search()`` and ``facets()`` together, planning the query once."""
    terms = parse_terms(q)
    _check_filters(kind, status, sort)
    plan = _Plan(terms)
    base = _filtered(visible_documents(), process=process, status=status)
    # The counts first: on PostgreSQL they also decide the page's order.
    facets = _facets(plan, base)
    return _documents(plan, base, kind=kind, sort=sort), facets


# --- Showing results ------------------------------------------------------------------


def _render(text: str, marks: list[tuple[int, int]]) -> SafeString:
    parts: list[str] = []
    position = 0
    for start, end in marks:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def highlight(text: str, terms: list[str]) -> SafeString:
    """The text, HTML-escaped, with every match of a term wrapped in <mark>: the
    original characters, wherever a folded form of a term matched (ﾄｲﾚ is marked
    for トイレ, 子ども for こども)."""
    text = text or ""
    return _render(text, fold.spans(text, terms))


def snippet(text: str, terms: list[str], length: int = 180) -> SafeString:
    """A one-line extract around the first match, highlighted."""
    flat = " ".join((text or "").split())
    marks = fold.spans(flat, terms)
    start = 0
    if marks and marks[0][0] > length // 3:
        start = marks[0][0] - length // 3
    end = min(len(flat), start + length)
    piece = [
        (max(a, start) - start, min(b, end) - start)
        for a, b in marks
        if a < end and b > start
    ]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    return mark_safe(  # noqa: S308 - _render escapes every piece
        prefix + _render(flat[start:end], piece) + suffix
    )


@dataclass
class SearchHit:
    kind: str  # a kind's slug: "proposal", "comment", "response", "response_comment"
    kind_label: str
    object_id: int
    url: str
    title: SafeString  # highlighted
    snippet: SafeString  # highlighted
    author_name: str  # a resident's real name, or a department's name
    process: Process | None
    proposal_id: int
    proposal_title: str
    state: str
    created_at: datetime
    heading: SafeString = mark_safe("")  # the result's title line: the kind's heading


def _heading(kind: sources.Kind | None, title: SafeString) -> SafeString:
    if kind is None or kind.heading is None:
        return title
    # The translated heading is ours; the title is escaped and highlighted.
    return mark_safe(  # noqa: S308
        conditional_escape(str(kind.heading)) % {"title": title}
    )


def hits(documents: Any, q: str) -> list[SearchHit]:
    """Hydrate a page of documents (a list or sliced queryset) for display, with a
    fixed number of queries: one per kind present on the page, plus processes."""

    terms = parse_terms(q)
    docs = list(documents)
    by_kind: dict[int, list[int]] = {}
    for doc in docs:
        by_kind.setdefault(doc.kind, []).append(doc.object_id)
    proposal_ids = {doc.proposal_id for doc in docs}
    proposals = (
        Proposal.objects.select_related("author", "process").in_bulk(proposal_ids)
        if proposal_ids
        else {}
    )
    comments = (
        Comment.objects.select_related("author").in_bulk(by_kind[DocumentKind.COMMENT])
        if by_kind.get(DocumentKind.COMMENT)
        else {}
    )
    responses = _response_entries(by_kind.get(DocumentKind.RESPONSE, []))
    # Kinds registered by other apps show themselves (one query per kind).
    shown: dict[int, dict[int, sources.Shown]] = {}
    for number, ids in by_kind.items():
        source = sources.source_of_kind(number)
        if source is not None and source.show is not None:
            shown[number] = source.show(ids)
    results: list[SearchHit] = []
    for doc in docs:
        proposal = proposals.get(doc.proposal_id)
        if proposal is None:
            continue
        hit = _hit(doc, proposal, comments, responses, shown, terms)
        if hit is not None:
            results.append(hit)
    return results


def _hit(
    doc: SearchDocument,
    proposal: Any,
    comments: dict[int, Any],
    responses: dict[int, Any],
    shown: dict[int, dict[int, sources.Shown]],
    terms: list[str],
) -> SearchHit | None:
    kind = sources.kind_by_number(doc.kind)
    title = highlight(proposal.title, terms)
    base = {
        "kind": doc.kind_slug,
        "kind_label": str(kind.label) if kind is not None else "",
        "object_id": doc.object_id,
        "process": proposal.process,
        "proposal_id": proposal.pk,
        "proposal_title": proposal.title,
        "state": proposal.state,
        "created_at": doc.created_at,
        "title": title,
        "heading": _heading(kind, title),
    }
    if doc.kind == DocumentKind.PROPOSAL:
        return SearchHit(
            url=proposal.get_absolute_url(),
            snippet=snippet(proposal.body, terms),
            author_name=proposal.author.real_name,
            **base,
        )
    if doc.kind == DocumentKind.COMMENT:
        comment = comments.get(doc.object_id)
        if comment is None:
            return None
        return SearchHit(
            url=comment.get_absolute_url(),
            snippet=snippet(comment.body, terms),
            author_name=comment.author.real_name,
            **base,
        )
    if doc.kind in shown:
        item = shown[doc.kind].get(doc.object_id)
        if item is None:
            return None
        return SearchHit(
            url=item.url,
            snippet=snippet(item.text, terms),
            author_name=item.author_name,
            **base,
        )
    entry = responses.get(doc.object_id)
    if entry is None:
        return None
    return SearchHit(
        url=entry.get_absolute_url(),
        snippet=snippet(doc.content, terms),
        author_name=entry.department_label,
        **base,
    )


def _response_entries(entry_ids: list[int]) -> dict[int, Any]:
    if not entry_ids:
        return {}

    return TrackerEntry.objects.select_related("department").in_bulk(entry_ids)
