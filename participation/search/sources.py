"""Where search documents come from: a small registry of sources.

A *source* is what one app gives the index: the tables whose writes it follows, the
kinds of document it writes (number, slug, labels), its triggers (SQLite statements;
PostgreSQL functions and triggers), the statements that write every one of its
documents from its tables (for ``rebuild()`` and ``sync()``), and how to show a
page of its hits. ``index.py`` installs, rebuilds and syncs every registered source
whose tables exist; ``portal/search`` counts, filters and shows every public kind.

The core registers proposals and responses (``index.py``); an app registers its own
in its ``AppConfig.ready()`` (``responses/search.py`` registers the comments on
responses) and ships a migration that calls ``index.install()`` and ``index.sync()``.
``text_on_proposal()`` writes the whole source for the common shape (a resident's
text on a proposal, hidden by moderation, deleted by its author).

The rules every source keeps (they are what keeps a trigger cheap and a table
remake on SQLite possible):

- A trigger body reads only ``NEW``/``OLD`` and ``search_document``, never another
  table. A document on a proposal copies the proposal's visibility from the
  proposal's own document (``d.kind = 1``); the proposal's trigger then keeps every
  document with its ``proposal_id`` in step (state, process, hidden).
- Hidden and deleted text has no row. Every object and trigger name starts with
  ``search_``.
- On SQLite, a trigger writes ``folded = search_fold(text)`` with the text; on
  PostgreSQL it writes ``content`` only (``search_document_fill`` folds).

This module imports no model: sources are declared before the app registry is
ready. ``show`` imports its models when called.
"""

# SQL here is built from constants of the registering app (table names, kind
# numbers), never from input.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Kinds of the core's sources; 4 holds a response's current text (never shown).
PROPOSAL, RESPONSE, COMMENT, RESPONSE_TEXT = 1, 2, 3, 4
HOLDER_KINDS = frozenset({RESPONSE_TEXT})

COLUMNS = (
    "kind, object_id, proposal_id, process_id, state, proposal_hidden, content, "
    "created_at, response_id"
)
# SQLite's triggers fill the folded text themselves (FOLD_FUNCTION).
SQLITE_COLUMNS = COLUMNS + ", folded"
FOLD_FUNCTION = "search_fold"

SqliteObject = tuple[str, str, str]  # ("trigger" | "table", name, CREATE statement)
PgTrigger = tuple[str, str, str]  # (trigger name, table, CREATE TRIGGER statement)


@dataclass(frozen=True)
class Kind:
    """A kind of document the public may find."""

    number: int  # orders mixed results ("relevance"): lower first
    slug: str  # the ``type`` filter of the page and the API
    label: Any  # one result's badge ("Comment")
    plural: Any  # its tab ("Comments")
    # The result's heading around the proposal's title ("Comment on “%(title)s”");
    # None: the proposal's title itself.
    heading: Any = None


@dataclass(frozen=True)
class Shown:
    """What a hit of a registered kind shows besides its proposal."""

    url: str
    text: str  # the original text (the snippet is cut from it)
    author_name: str


@dataclass(frozen=True)
class Fill:
    """How a source writes its rows into ``into`` (``search_document`` or the
    temporary table of ``sync()``) on this database."""

    vendor: str
    into: str = "search_document"
    fold_text: bool = True

    @property
    def sqlite_folds(self) -> bool:
        return self.vendor == "sqlite" and self.fold_text

    @property
    def columns(self) -> str:
        return SQLITE_COLUMNS if self.sqlite_folds else COLUMNS

    def folded(self, text: str) -> str:
        """The trailing folded value for ``columns`` (SQLite folds in the statement;
        PostgreSQL's BEFORE trigger folds)."""
        return f", {FOLD_FUNCTION}({text})" if self.sqlite_folds else ""

    @property
    def false(self) -> str:
        return "false" if self.vendor == "postgresql" else "0"

    @property
    def true(self) -> str:
        return "true" if self.vendor == "postgresql" else "1"

    @property
    def newline(self) -> str:
        return "chr(10)" if self.vendor == "postgresql" else "char(10)"


def _no_objects() -> list[SqliteObject]:
    return []


def _no_rows(fill: Fill) -> list[str]:
    return []


@dataclass(frozen=True)
class Source:
    name: str
    tables: tuple[str, ...]  # installed only once all of them exist
    kinds: tuple[Kind, ...] = ()
    sqlite: Callable[[], list[SqliteObject]] = _no_objects
    pg_functions: str = ""  # CREATE OR REPLACE FUNCTION … (run on every install)
    pg_function_names: tuple[str, ...] = ()  # "name(argument types)", for uninstall
    pg_triggers: tuple[PgTrigger, ...] = ()
    # INSERT INTO {fill.into} ({fill.columns}) SELECT … for every document.
    rows: Callable[[Fill], list[str]] = _no_rows
    # A page of hits of this source's kinds: object ids -> what to show (one query).
    # None: the portal shows them itself (the core's kinds).
    show: Callable[[list[int]], dict[int, Shown]] | None = None
    # Sources whose documents this one's rows and triggers read.
    requires: tuple[str, ...] = field(default=())


_REGISTRY: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add a source (again with the same one: nothing happens). Refuses a second
    source of the same name, a kind number or slug already taken, a holder kind,
    and an object not named ``search_…``."""
    current = _REGISTRY.get(source.name)
    if current is source:
        return
    if current is not None:
        raise ValueError(f"search source {source.name!r} is already registered")
    for kind in source.kinds:
        if kind.number in HOLDER_KINDS or kind.number < 1:
            raise ValueError(f"search kind number {kind.number} is reserved")
        for other in public_kinds():
            if other.number == kind.number or other.slug == kind.slug:
                raise ValueError(f"search kind {kind.slug!r} ({kind.number}) is taken")
    names = [name for _kind, name, _sql in source.sqlite()]
    names += [name for name, _table, _sql in source.pg_triggers]
    names += list(source.pg_function_names)
    for name in names:
        if not name.startswith("search_"):
            raise ValueError(f"search object {name!r} must be named search_…")
    _REGISTRY[source.name] = source


def unregister(name: str) -> None:
    """For tests: forget a source (its triggers stay until ``index.uninstall``)."""
    _REGISTRY.pop(name, None)


def all_sources() -> list[Source]:
    return list(_REGISTRY.values())


def source_tables() -> frozenset[str]:
    return frozenset(table for source in _REGISTRY.values() for table in source.tables)


def public_kinds() -> list[Kind]:
    """Every kind the public may find, in result order."""
    return sorted(
        (kind for source in _REGISTRY.values() for kind in source.kinds),
        key=lambda kind: kind.number,
    )


def kind_numbers() -> list[int]:
    return [kind.number for kind in public_kinds()]


def kind_by_slug(slug: str) -> Kind | None:
    return next((kind for kind in public_kinds() if kind.slug == slug), None)


def kind_by_number(number: int) -> Kind | None:
    return next((kind for kind in public_kinds() if kind.number == number), None)


def source_of_kind(number: int) -> Source | None:
    for source in _REGISTRY.values():
        if any(kind.number == number for kind in source.kinds):
            return source
    return None


# --- The common shape: a resident's text on a proposal --------------------------------


def text_on_proposal(
    *,
    name: str,
    table: str,
    kind: Kind,
    show: Callable[[list[int]], dict[int, Shown]],
    text: str = "body",
) -> Source:
    """A source for rows of ``table`` with ``proposal_id``, ``created_at``,
    ``hidden_at`` and ``deleted_at`` and a text column: one document per row
    neither hidden nor deleted, with its proposal's visibility (hidden proposal,
    draft process: never shown). Insert, edit, hide, unhide, delete, undelete and a
    change of ``created_at`` reach the index; so does a hidden proposal (its own
    trigger), and deleting the row or its proposal removes the document."""
    number = kind.number
    stem = f"search_{name}"
    insert_sqlite = f"""
      INSERT OR IGNORE INTO search_document ({SQLITE_COLUMNS})
      SELECT {number}, new.id, new.proposal_id, d.process_id, coalesce(d.state, ''),
             d.id IS NULL, new.{text}, new.created_at, NULL,
             {FOLD_FUNCTION}(new.{text})
      FROM (SELECT 1) LEFT JOIN search_document d
        ON d.kind = {PROPOSAL} AND d.object_id = new.proposal_id
      WHERE new.hidden_at IS NULL AND new.deleted_at IS NULL;"""

    def sqlite() -> list[SqliteObject]:
        return [
            (
                "trigger",
                f"{stem}_ai",
                f"""CREATE TRIGGER {stem}_ai AFTER INSERT ON {table}
                BEGIN {insert_sqlite}
                END""",
            ),
            (
                "trigger",
                f"{stem}_au",
                f"""CREATE TRIGGER {stem}_au AFTER UPDATE ON {table}
                WHEN old.{text} IS NOT new.{text}
                  OR old.created_at IS NOT new.created_at
                  OR old.proposal_id IS NOT new.proposal_id
                  OR (old.hidden_at IS NULL) <> (new.hidden_at IS NULL)
                  OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL)
                BEGIN
                  DELETE FROM search_document
                    WHERE kind = {number} AND object_id = new.id
                    AND (new.hidden_at IS NOT NULL OR new.deleted_at IS NOT NULL
                         OR proposal_id IS NOT new.proposal_id);
                  UPDATE search_document
                    SET content = new.{text}, folded = {FOLD_FUNCTION}(new.{text})
                    WHERE kind = {number} AND object_id = new.id
                    AND content IS NOT new.{text};
                  UPDATE search_document SET created_at = new.created_at
                    WHERE kind = {number} AND object_id = new.id
                    AND created_at IS NOT new.created_at;
                  {insert_sqlite}
                END""",
            ),
            (
                "trigger",
                f"{stem}_ad",
                f"""CREATE TRIGGER {stem}_ad AFTER DELETE ON {table}
                BEGIN
                  DELETE FROM search_document
                    WHERE kind = {number} AND object_id = old.id;
                END""",
            ),
        ]

    function = f"{stem}_sync"
    pg_functions = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_document WHERE kind = {number} AND object_id = OLD.id;
    RETURN NULL;
  END IF;
  IF NEW.hidden_at IS NOT NULL OR NEW.deleted_at IS NOT NULL THEN
    DELETE FROM search_document WHERE kind = {number} AND object_id = NEW.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM search_document WHERE kind = {number} AND object_id = NEW.id
      AND proposal_id IS DISTINCT FROM NEW.proposal_id;
    UPDATE search_document SET content = NEW.{text}
      WHERE kind = {number} AND object_id = NEW.id
      AND content IS DISTINCT FROM NEW.{text};
    UPDATE search_document SET created_at = NEW.created_at
      WHERE kind = {number} AND object_id = NEW.id
      AND created_at IS DISTINCT FROM NEW.created_at;
  END IF;
  INSERT INTO search_document ({COLUMNS})
  SELECT {number}, NEW.id, NEW.proposal_id, d.process_id, coalesce(d.state, ''),
         d.id IS NULL, NEW.{text}, NEW.created_at, NULL
  FROM (SELECT 1) one
  LEFT JOIN search_document d ON d.kind = {PROPOSAL} AND d.object_id = NEW.proposal_id
  ON CONFLICT (kind, object_id) DO NOTHING;
  RETURN NULL;
END $$;
"""
    pg_triggers = (
        (
            f"{stem}_ins_del",
            table,
            f"CREATE TRIGGER {stem}_ins_del AFTER INSERT OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ),
        (
            f"{stem}_upd",
            table,
            f"""CREATE TRIGGER {stem}_upd AFTER UPDATE ON {table}
            FOR EACH ROW WHEN (
              OLD.{text} IS DISTINCT FROM NEW.{text}
              OR OLD.created_at IS DISTINCT FROM NEW.created_at
              OR OLD.proposal_id IS DISTINCT FROM NEW.proposal_id
              OR (OLD.hidden_at IS NULL) <> (NEW.hidden_at IS NULL)
              OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
            ) EXECUTE FUNCTION {function}()""",
        ),
    )

    def rows(fill: Fill) -> list[str]:
        return [
            f"""INSERT INTO {fill.into} ({fill.columns})
            SELECT {number}, c.id, c.proposal_id,
                   CASE WHEN p.hidden_at IS NULL THEN p.process_id END,
                   CASE WHEN p.hidden_at IS NULL THEN p.state ELSE '' END,
                   p.hidden_at IS NOT NULL, c.{text}, c.created_at,
                   NULL{fill.folded(f"c.{text}")}
            FROM {table} c JOIN proposals_proposal p ON p.id = c.proposal_id
            WHERE c.hidden_at IS NULL AND c.deleted_at IS NULL"""
        ]

    return Source(
        name=name,
        tables=(table,),
        kinds=(kind,),
        sqlite=sqlite,
        pg_functions=pg_functions,
        pg_function_names=(f"{function}()",),
        pg_triggers=pg_triggers,
        rows=rows,
        show=show,
        requires=("proposals",),
    )
