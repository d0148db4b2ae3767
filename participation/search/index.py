"""The search index machinery, per database: triggers, FTS5 tables, GIN indexes.

Two layers:

1. Source triggers (of every source in the registry, search/sources.py: the core's
   proposals and responses here, an app's own from its ``ready()``) keep
   ``search_document`` in step with every insert, edit, hide,
   unhide, withdrawal and delete of proposals and comments, and with every published
   or revised response, inside the writing transaction, whichever code path made
   the change. A trigger body reads only ``NEW``/``OLD`` and ``search_document``
   itself, never another app's table: on SQLite, a trigger that names another table
   makes Django's table remake of that table fail (``ALTER TABLE ... RENAME``
   re-checks every trigger). Response texts therefore reach their tracker entries
   through a holder row (kind 4, never returned) keyed by the response id.
2. Index structures over ``search_document``:
   - SQLite: ``search_trigram`` (FTS5, trigram tokenizer, contentless) for terms
     of three characters or more, and ``search_gram`` (FTS5, contentless,
     ``detail=none``) holding every distinct one- and two-character substring as a
     token, for shorter terms (公園, 園). Both are fed by triggers on
     ``search_document`` and also index a marker of the document's kind, so that
     matches can be counted per kind without reading the rows.
   - PostgreSQL: pg_trgm GIN index on ``content`` for terms of three characters or
     more, and a ``grams text[]`` column (one- and two-character substrings, filled
     by a BEFORE trigger) with a GIN index for shorter terms.

What is matched is ``folded`` (search/fold.py), never ``content``, which keeps the
original text for display. How it is kept in step, per database:

- SQLite: the triggers call ``search_fold()``, a Python function registered on every
  connection (``register_functions``, from ``connection_created``), so the whole
  fold, Sudachi's dictionary forms included, is written in the same transaction as
  the source row, whichever path wrote it.
- PostgreSQL cannot run Python in a trigger. The BEFORE trigger on
  ``search_document`` folds in SQL (``search_fold()``: NFKC, lower case, kana,
  iteration and long-vowel marks, the same steps as ``fold.raw_fold``, checked by a
  test) and marks the row ``pending``; so every document is searchable at once by
  its exact text, width and script variants, on every path. The dictionary forms
  (表記ゆれ) are added by ``refresh()``: queued after the commit of every ORM save of
  a source row (post_save), which refreshes every pending row (in batches, so rows
  written by raw SQL or ``bulk_create`` are caught up by the next ORM write), and
  run by ``rebuild()``, ``reindex()`` and after ``migrate``. Refreshing updates
  ``folded`` only where ``content`` is still what was read, so it never overwrites a
  newer text.

A query term matches when any of its folds is in ``folded`` (see selectors).

``install()`` is idempotent and installs the triggers of every source whose tables
exist. It runs from the migration and again after every ``migrate`` (post_migrate):
SQLite drops a table's triggers when Django remakes that table, and the responses
tables may be created after this app's migration; a trigger whose definition a
release changed is made anew. When a trigger had to be created or replaced,
``ensure()`` syncs the index with its sources (``sync()``: only the documents that
differ are written, the others keep their rows and ids; ``rebuild()`` empties
the index and renumbers every row).

A future migration that remakes ``search_document`` itself on SQLite must call
``uninstall()`` first (the source triggers name it) and ``install()`` after, then
``reindex()`` (which folds again in place, keeping ids) rather than ``rebuild()``;
so does one that changes the fold (see migration 0003).
"""

# SQL here is built from this module's own constants (table names, kind numbers),
# never from input; the statements take no parameters at all.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection
from django.db import connections, transaction
from django.utils.translation import gettext_lazy as _

from participation.search import fold
from participation.search.sources import (
    COLUMNS as _COLUMNS,
)
from participation.search.sources import (
    COMMENT,
    FOLD_FUNCTION,
    PROPOSAL,
    RESPONSE,
    RESPONSE_TEXT,
    Fill,
    Kind,
    Source,
    all_sources,
    register,
    source_tables,
)
from participation.search.sources import (
    SQLITE_COLUMNS as _SQLITE_COLUMNS,
)

PROPOSAL_TABLE = "proposals_proposal"
COMMENT_TABLE = "proposals_comment"
ENTRY_TABLE = "responses_trackerentry"
RESPONSE_TABLE = "responses_response"
REVISION_TABLE = "responses_responserevision"

# What other modules read here besides the functions (apps.py, tests).
__all__ = [
    "COMMENT",
    "PROPOSAL",
    "RESPONSE",
    "RESPONSE_TEXT",
    "source_tables",
]


def _sources(connection: Any) -> list[Source]:
    """The registered sources installed on this database: all their tables exist
    (and the sources they read are installed too)."""
    tables = set(connection.introspection.table_names())
    present: list[Source] = []
    names: set[str] = set()
    for source in all_sources():
        if set(source.tables) <= tables and set(source.requires) <= names:
            present.append(source)
            names.add(source.name)
    return present


# --- SQLite ---------------------------------------------------------------------------

_SQLITE_GRAMS = """(
  SELECT coalesce(group_concat(g, ' '), '') FROM (
    SELECT DISTINCT substr(lower({t}), i, n) AS g
    FROM (
      WITH RECURSIVE s(i) AS (
        SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < length({t})
      ) SELECT i FROM s
    ), (SELECT 1 AS n UNION ALL SELECT 2)
    WHERE i + n - 1 <= length({t})
  ) WHERE instr(g, ' ') = 0 AND instr(g, char(10)) = 0 AND instr(g, char(12288)) = 0
)"""


def _sqlite_proposal_content(alias: str) -> str:
    return (
        f"{alias}.title || char(10) || {alias}.body || CASE WHEN "
        f"{alias}.location_text <> '' "
        f"THEN char(10) || {alias}.location_text ELSE '' END"
    )


def _sqlite_kind_mark(row: str) -> str:
    """A marker of the document's kind appended to what each FTS table indexes,
    so that counting matches per kind needs the full-text index alone. Search
    terms never contain control characters, so they cannot match a marker."""
    return f"char(10) || char(1) || 'k' || {row}.kind || char(1)"


def _sqlite_fts_values(row: str) -> tuple[str, str]:
    trigram = f"{row}.folded || {_sqlite_kind_mark(row)}"
    grams = f"'kind' || {row}.kind || ' ' || " + _SQLITE_GRAMS.format(t=f"{row}.folded")
    return trigram, grams


def _sqlite_base() -> list[tuple[str, str, str]]:
    tri_new, grams_new = _sqlite_fts_values("new")
    tri_old, grams_old = _sqlite_fts_values("old")
    return [
        (
            "table",
            "search_trigram",
            "CREATE VIRTUAL TABLE search_trigram USING fts5(content, "
            "tokenize='trigram', content='', columnsize=0)",
        ),
        (
            "table",
            "search_gram",
            "CREATE VIRTUAL TABLE search_gram USING fts5(grams, tokenize='ascii', "
            "content='', detail='none', columnsize=0)",
        ),
        (
            "trigger",
            "search_document_ai",
            f"""CREATE TRIGGER search_document_ai AFTER INSERT ON search_document
            WHEN new.kind <> {RESPONSE_TEXT} BEGIN
              INSERT INTO search_trigram(rowid, content) VALUES (new.id, {tri_new});
              INSERT INTO search_gram(rowid, grams) VALUES (new.id, {grams_new});
            END""",
        ),
        (
            "trigger",
            "search_document_ad",
            f"""CREATE TRIGGER search_document_ad AFTER DELETE ON search_document
            WHEN old.kind <> {RESPONSE_TEXT} BEGIN
              INSERT INTO search_trigram(search_trigram, rowid, content)
                VALUES ('delete', old.id, {tri_old});
              INSERT INTO search_gram(search_gram, rowid, grams)
                VALUES ('delete', old.id, {grams_old});
            END""",
        ),
        (
            "trigger",
            "search_document_au",
            f"""CREATE TRIGGER search_document_au AFTER UPDATE OF content, folded
            ON search_document WHEN new.kind <> {RESPONSE_TEXT} BEGIN
              INSERT INTO search_trigram(search_trigram, rowid, content)
                VALUES ('delete', old.id, {tri_old});
              INSERT INTO search_gram(search_gram, rowid, grams)
                VALUES ('delete', old.id, {grams_old});
              INSERT INTO search_trigram(rowid, content) VALUES (new.id, {tri_new});
              INSERT INTO search_gram(rowid, grams) VALUES (new.id, {grams_new});
            END""",
        ),
    ]


def _sqlite_proposals() -> list[tuple[str, str, str]]:
    p_new = _sqlite_proposal_content("new")
    proposal_row = f"""
      INSERT OR IGNORE INTO search_document ({_SQLITE_COLUMNS})
      SELECT {PROPOSAL}, new.id, new.id, new.process_id, new.state, 0, {p_new},
             new.created_at, NULL, {FOLD_FUNCTION}({p_new})
      WHERE new.hidden_at IS NULL;"""
    comment_row = f"""
      INSERT OR IGNORE INTO search_document ({_SQLITE_COLUMNS})
      SELECT {COMMENT}, new.id, new.proposal_id, d.process_id, coalesce(d.state, ''),
             d.id IS NULL, new.body, new.created_at, NULL, {FOLD_FUNCTION}(new.body)
      FROM (SELECT 1) LEFT JOIN search_document d
        ON d.kind = {PROPOSAL} AND d.object_id = new.proposal_id
      WHERE new.hidden_at IS NULL AND new.deleted_at IS NULL;"""
    return [
        (
            "trigger",
            "search_proposal_ai",
            f"""CREATE TRIGGER search_proposal_ai AFTER INSERT ON {PROPOSAL_TABLE}
            BEGIN {proposal_row}
            END""",
        ),
        (
            "trigger",
            "search_proposal_au",
            f"""CREATE TRIGGER search_proposal_au AFTER UPDATE ON {PROPOSAL_TABLE}
            WHEN old.title IS NOT new.title OR old.body IS NOT new.body
              OR old.location_text IS NOT new.location_text
              OR old.state IS NOT new.state OR old.process_id IS NOT new.process_id
              OR old.created_at IS NOT new.created_at
              OR (old.hidden_at IS NULL) <> (new.hidden_at IS NULL)
            BEGIN
              DELETE FROM search_document
                WHERE kind = {PROPOSAL} AND object_id = new.id
                AND new.hidden_at IS NOT NULL;
              UPDATE search_document
                SET content = {p_new}, folded = {FOLD_FUNCTION}({p_new})
                WHERE kind = {PROPOSAL} AND object_id = new.id
                AND content IS NOT ({p_new});
              UPDATE search_document SET created_at = new.created_at
                WHERE kind = {PROPOSAL} AND object_id = new.id
                AND created_at IS NOT new.created_at;
              {proposal_row}
              UPDATE search_document SET
                  state = CASE WHEN new.hidden_at IS NULL THEN new.state ELSE '' END,
                  process_id = CASE WHEN new.hidden_at IS NULL
                                    THEN new.process_id END,
                  proposal_hidden = (new.hidden_at IS NOT NULL)
                WHERE proposal_id = new.id;
            END""",
        ),
        (
            "trigger",
            "search_proposal_ad",
            f"""CREATE TRIGGER search_proposal_ad AFTER DELETE ON {PROPOSAL_TABLE}
            BEGIN
              DELETE FROM search_document WHERE proposal_id = old.id;
            END""",
        ),
        (
            "trigger",
            "search_comment_ai",
            f"""CREATE TRIGGER search_comment_ai AFTER INSERT ON {COMMENT_TABLE}
            BEGIN {comment_row}
            END""",
        ),
        (
            "trigger",
            "search_comment_au",
            f"""CREATE TRIGGER search_comment_au AFTER UPDATE ON {COMMENT_TABLE}
            WHEN old.body IS NOT new.body OR old.created_at IS NOT new.created_at
              OR (old.hidden_at IS NULL) <> (new.hidden_at IS NULL)
              OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL)
            BEGIN
              DELETE FROM search_document
                WHERE kind = {COMMENT} AND object_id = new.id
                AND (new.hidden_at IS NOT NULL OR new.deleted_at IS NOT NULL);
              UPDATE search_document
                SET content = new.body, folded = {FOLD_FUNCTION}(new.body)
                WHERE kind = {COMMENT} AND object_id = new.id
                AND content IS NOT new.body;
              UPDATE search_document SET created_at = new.created_at
                WHERE kind = {COMMENT} AND object_id = new.id
                AND created_at IS NOT new.created_at;
              {comment_row}
            END""",
        ),
        (
            "trigger",
            "search_comment_ad",
            f"""CREATE TRIGGER search_comment_ad AFTER DELETE ON {COMMENT_TABLE}
            BEGIN
              DELETE FROM search_document
                WHERE kind = {COMMENT} AND object_id = old.id;
            END""",
        ),
    ]


def _sqlite_responses() -> list[tuple[str, str, str]]:
    entry_row = f"""
      INSERT OR IGNORE INTO search_document ({_SQLITE_COLUMNS})
      SELECT {RESPONSE}, new.id, new.proposal_id, d.process_id, coalesce(d.state, ''),
             d.id IS NULL, coalesce(t.content, ''),
             coalesce(t.created_at, new.last_update_at), new.response_id,
             coalesce(t.folded, '')
      FROM (SELECT 1)
      LEFT JOIN search_document t
        ON t.kind = {RESPONSE_TEXT} AND t.object_id = new.response_id
      LEFT JOIN search_document d
        ON d.kind = {PROPOSAL} AND d.object_id = new.proposal_id
      WHERE new.response_id IS NOT NULL;"""
    return [
        (
            "trigger",
            "search_revision_ai",
            f"""CREATE TRIGGER search_revision_ai AFTER INSERT ON {REVISION_TABLE}
            BEGIN
              UPDATE search_document SET content = new.body,
                  created_at = new.created_at, folded = {FOLD_FUNCTION}(new.body)
                WHERE kind = {RESPONSE_TEXT} AND object_id = new.response_id;
              INSERT OR IGNORE INTO search_document ({_SQLITE_COLUMNS})
                VALUES ({RESPONSE_TEXT}, new.response_id, 0, NULL, '', 1, new.body,
                        new.created_at, new.response_id, {FOLD_FUNCTION}(new.body));
              UPDATE search_document SET content = new.body,
                  created_at = new.created_at, folded = {FOLD_FUNCTION}(new.body)
                WHERE kind = {RESPONSE} AND response_id = new.response_id;
            END""",
        ),
        (
            "trigger",
            "search_entry_ai",
            f"""CREATE TRIGGER search_entry_ai AFTER INSERT ON {ENTRY_TABLE}
            BEGIN {entry_row}
            END""",
        ),
        (
            "trigger",
            "search_entry_au",
            f"""CREATE TRIGGER search_entry_au AFTER UPDATE ON {ENTRY_TABLE}
            WHEN old.response_id IS NOT new.response_id
            BEGIN
              DELETE FROM search_document
                WHERE kind = {RESPONSE} AND object_id = new.id;
              {entry_row}
            END""",
        ),
        (
            "trigger",
            "search_entry_ad",
            f"""CREATE TRIGGER search_entry_ad AFTER DELETE ON {ENTRY_TABLE}
            BEGIN
              DELETE FROM search_document
                WHERE kind = {RESPONSE} AND object_id = old.id;
            END""",
        ),
    ]


def _sqlite_objects(sources: list[Source]) -> list[tuple[str, str, str]]:
    objects = _sqlite_base()
    for source in sources:
        objects += source.sqlite()
    return objects


def _sqlite_install(connection: Any, cursor: Any) -> bool:
    cursor.execute(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE name LIKE 'search\\_%' ESCAPE '\\'"
    )
    existing = {(row[0], row[1]): row[2] for row in cursor.fetchall()}
    missing = False
    for kind, name, statement in _sqlite_objects(_sources(connection)):
        if (kind, name) not in existing:
            cursor.execute(statement)
            missing = True
        elif kind == "trigger" and _same_sql(existing[(kind, name)]) != _same_sql(
            statement
        ):
            # A release changed what the trigger does: put this one in its place
            # (like PostgreSQL's, which are made anew on every install).
            cursor.execute(f"DROP TRIGGER {name}")
            cursor.execute(statement)
            missing = True
    return missing


def _same_sql(statement: str) -> str:
    return " ".join(statement.split())


def _sqlite_uninstall(cursor: Any) -> None:
    for kind, name, _statement in reversed(_sqlite_objects(all_sources())):
        cursor.execute(f"DROP {kind.upper()} IF EXISTS {name}")


# --- PostgreSQL -----------------------------------------------------------------------

_PG_PROPOSAL_CONTENT = (
    "NEW.title || chr(10) || NEW.body || CASE WHEN NEW.location_text <> '' "
    "THEN chr(10) || NEW.location_text ELSE '' END"
)

_PG_FUNCTIONS = (
    fold.sql_fold_function()
    + f"""
CREATE OR REPLACE FUNCTION search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{{}}')
  FROM (
    SELECT substr(s.l, i, v.n) AS g
    FROM (SELECT lower(t) AS l) s
    CROSS JOIN LATERAL generate_series(1, length(s.l)) AS i
    CROSS JOIN (VALUES (1), (2)) AS v(n)
    WHERE i + v.n - 1 <= length(s.l)
  ) x
  WHERE g !~ '[\\s\\u3000]'
$$;

CREATE OR REPLACE FUNCTION search_document_fill() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.content IS DISTINCT FROM OLD.content THEN
    NEW.folded := search_fold(NEW.content);
    NEW.pending := true;
  END IF;
  IF NEW.kind <> {RESPONSE_TEXT} THEN
    NEW.grams := search_grams(NEW.folded);
  END IF;
  RETURN NEW;
END $$;

"""
)

_PG_PROPOSALS_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION search_proposal_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_document WHERE proposal_id = OLD.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF NEW.hidden_at IS NOT NULL THEN
      DELETE FROM search_document WHERE kind = {PROPOSAL} AND object_id = NEW.id;
    ELSE
      UPDATE search_document SET content = {_PG_PROPOSAL_CONTENT}
        WHERE kind = {PROPOSAL} AND object_id = NEW.id
        AND content IS DISTINCT FROM ({_PG_PROPOSAL_CONTENT});
      UPDATE search_document SET created_at = NEW.created_at
        WHERE kind = {PROPOSAL} AND object_id = NEW.id
        AND created_at IS DISTINCT FROM NEW.created_at;
    END IF;
    UPDATE search_document SET
        state = CASE WHEN NEW.hidden_at IS NULL THEN NEW.state ELSE '' END,
        process_id = CASE WHEN NEW.hidden_at IS NULL THEN NEW.process_id END,
        proposal_hidden = (NEW.hidden_at IS NOT NULL)
      WHERE proposal_id = NEW.id;
  END IF;
  IF NEW.hidden_at IS NULL THEN
    INSERT INTO search_document ({_COLUMNS})
    VALUES ({PROPOSAL}, NEW.id, NEW.id, NEW.process_id, NEW.state, false,
            {_PG_PROPOSAL_CONTENT}, NEW.created_at, NULL)
    ON CONFLICT (kind, object_id) DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_comment_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_document WHERE kind = {COMMENT} AND object_id = OLD.id;
    RETURN NULL;
  END IF;
  IF NEW.hidden_at IS NOT NULL OR NEW.deleted_at IS NOT NULL THEN
    DELETE FROM search_document WHERE kind = {COMMENT} AND object_id = NEW.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    UPDATE search_document SET content = NEW.body
      WHERE kind = {COMMENT} AND object_id = NEW.id
      AND content IS DISTINCT FROM NEW.body;
    UPDATE search_document SET created_at = NEW.created_at
      WHERE kind = {COMMENT} AND object_id = NEW.id
      AND created_at IS DISTINCT FROM NEW.created_at;
  END IF;
  INSERT INTO search_document ({_COLUMNS})
  SELECT {COMMENT}, NEW.id, NEW.proposal_id, d.process_id, coalesce(d.state, ''),
         d.id IS NULL, NEW.body, NEW.created_at, NULL
  FROM (SELECT 1) one
  LEFT JOIN search_document d ON d.kind = {PROPOSAL} AND d.object_id = NEW.proposal_id
  ON CONFLICT (kind, object_id) DO NOTHING;
  RETURN NULL;
END $$;

"""

_PG_RESPONSES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION search_revision_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_document ({_COLUMNS})
  VALUES ({RESPONSE_TEXT}, NEW.response_id, 0, NULL, '', true, NEW.body,
          NEW.created_at, NEW.response_id)
  ON CONFLICT (kind, object_id) DO UPDATE
    SET content = EXCLUDED.content, created_at = EXCLUDED.created_at;
  UPDATE search_document SET content = NEW.body, created_at = NEW.created_at
    WHERE kind = {RESPONSE} AND response_id = NEW.response_id;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_entry_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM search_document WHERE kind = {RESPONSE} AND object_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.response_id IS NOT NULL THEN
    INSERT INTO search_document ({_COLUMNS})
    SELECT {RESPONSE}, NEW.id, NEW.proposal_id, d.process_id, coalesce(d.state, ''),
           d.id IS NULL, coalesce(t.content, ''),
           coalesce(t.created_at, NEW.last_update_at), NEW.response_id
    FROM (SELECT 1) one
    LEFT JOIN search_document t
      ON t.kind = {RESPONSE_TEXT} AND t.object_id = NEW.response_id
    LEFT JOIN search_document d
      ON d.kind = {PROPOSAL} AND d.object_id = NEW.proposal_id
    ON CONFLICT (kind, object_id) DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
"""

_PG_FUNCTION_NAMES = (
    "search_document_fill()",
    "search_grams(text)",
    "search_fold(text)",
)

# (trigger name, table, create statement)
_PG_BASE_TRIGGERS: list[tuple[str, str, str]] = [
    (
        "search_document_fill",
        "search_document",
        "CREATE TRIGGER search_document_fill BEFORE INSERT OR UPDATE OF content, "
        "folded ON search_document FOR EACH ROW "
        "EXECUTE FUNCTION search_document_fill()",
    ),
]

_PG_PROPOSALS_TRIGGERS: list[tuple[str, str, str]] = [
    (
        "search_proposal_ins_del",
        PROPOSAL_TABLE,
        f"CREATE TRIGGER search_proposal_ins_del AFTER INSERT OR DELETE ON "
        f"{PROPOSAL_TABLE} FOR EACH ROW EXECUTE FUNCTION search_proposal_sync()",
    ),
    (
        "search_proposal_upd",
        PROPOSAL_TABLE,
        f"""CREATE TRIGGER search_proposal_upd AFTER UPDATE ON {PROPOSAL_TABLE}
            FOR EACH ROW WHEN (
              OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body
              OR OLD.location_text IS DISTINCT FROM NEW.location_text
              OR OLD.state IS DISTINCT FROM NEW.state
              OR OLD.process_id IS DISTINCT FROM NEW.process_id
              OR OLD.created_at IS DISTINCT FROM NEW.created_at
              OR (OLD.hidden_at IS NULL) <> (NEW.hidden_at IS NULL)
            ) EXECUTE FUNCTION search_proposal_sync()""",
    ),
    (
        "search_comment_ins_del",
        COMMENT_TABLE,
        f"CREATE TRIGGER search_comment_ins_del AFTER INSERT OR DELETE ON "
        f"{COMMENT_TABLE} FOR EACH ROW EXECUTE FUNCTION search_comment_sync()",
    ),
    (
        "search_comment_upd",
        COMMENT_TABLE,
        f"""CREATE TRIGGER search_comment_upd AFTER UPDATE ON {COMMENT_TABLE}
            FOR EACH ROW WHEN (
              OLD.body IS DISTINCT FROM NEW.body
              OR OLD.created_at IS DISTINCT FROM NEW.created_at
              OR (OLD.hidden_at IS NULL) <> (NEW.hidden_at IS NULL)
              OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
            ) EXECUTE FUNCTION search_comment_sync()""",
    ),
]

_PG_RESPONSES_TRIGGERS: list[tuple[str, str, str]] = [
    (
        "search_revision_ins",
        REVISION_TABLE,
        f"CREATE TRIGGER search_revision_ins AFTER INSERT ON {REVISION_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION search_revision_sync()",
    ),
    (
        "search_entry_ins_del",
        ENTRY_TABLE,
        f"CREATE TRIGGER search_entry_ins_del AFTER INSERT OR DELETE ON "
        f"{ENTRY_TABLE} FOR EACH ROW EXECUTE FUNCTION search_entry_sync()",
    ),
    (
        "search_entry_upd",
        ENTRY_TABLE,
        f"""CREATE TRIGGER search_entry_upd AFTER UPDATE ON {ENTRY_TABLE}
            FOR EACH ROW WHEN (OLD.response_id IS DISTINCT FROM NEW.response_id)
            EXECUTE FUNCTION search_entry_sync()""",
    ),
]

_PG_INDEXES = [
    # The index of releases before the folded column.
    "DROP INDEX IF EXISTS search_doc_content_trgm",
    "CREATE INDEX IF NOT EXISTS search_doc_folded_trgm ON search_document "
    "USING gin (folded gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_doc_grams_gin ON search_document "
    "USING gin (grams)",
    "CREATE INDEX IF NOT EXISTS search_doc_pending ON search_document (id) "
    "WHERE pending",
]


def _pg_install(connection: Any, cursor: Any) -> bool:
    sources = _sources(connection)
    wanted = list(_PG_BASE_TRIGGERS)
    for source in sources:
        wanted += source.pg_triggers
    cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)",
        [[name for name, _t, _s in wanted]],
    )
    present = {row[0] for row in cursor.fetchall()}
    missing = any(name not in present for name, _t, _s in wanted)
    cursor.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'search_document' AND column_name = 'grams'"
    )
    missing = missing or not cursor.fetchone()[0]
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    cursor.execute("ALTER TABLE search_document ADD COLUMN IF NOT EXISTS grams text[]")
    cursor.execute(_PG_FUNCTIONS)
    for source in sources:
        if source.pg_functions:
            cursor.execute(source.pg_functions)
    for name, table, statement in wanted:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(statement)
    for statement in _PG_INDEXES:
        cursor.execute(statement)
    return missing


def _pg_uninstall(connection: Any, cursor: Any) -> None:
    tables = set(connection.introspection.table_names())
    sources = all_sources()
    triggers = [*_PG_BASE_TRIGGERS]
    for source in sources:
        triggers += source.pg_triggers
    for name, table, _statement in triggers:
        if table in tables:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for name in ("content_trgm", "folded_trgm", "grams_gin", "pending"):
        cursor.execute(f"DROP INDEX IF EXISTS search_doc_{name}")
    cursor.execute("ALTER TABLE search_document DROP COLUMN IF EXISTS grams")
    for source in reversed(sources):
        for function in source.pg_function_names:
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}")
    for function in _PG_FUNCTION_NAMES:
        cursor.execute(f"DROP FUNCTION IF EXISTS {function}")


# --- Rebuild (both) -------------------------------------------------------------------


def _proposals_rows(fill: Fill) -> list[str]:
    nl = fill.newline
    content = (
        f"p.title || {nl} || p.body || CASE WHEN p.location_text <> '' "
        f"THEN {nl} || p.location_text ELSE '' END"
    )
    return [
        f"""INSERT INTO {fill.into} ({fill.columns})
        SELECT {PROPOSAL}, p.id, p.id, p.process_id, p.state, {fill.false}, {content},
               p.created_at, NULL{fill.folded(content)}
        FROM {PROPOSAL_TABLE} p WHERE p.hidden_at IS NULL""",
        f"""INSERT INTO {fill.into} ({fill.columns})
        SELECT {COMMENT}, c.id, c.proposal_id,
               CASE WHEN p.hidden_at IS NULL THEN p.process_id END,
               CASE WHEN p.hidden_at IS NULL THEN p.state ELSE '' END,
               p.hidden_at IS NOT NULL, c.body, c.created_at,
               NULL{fill.folded("c.body")}
        FROM {COMMENT_TABLE} c JOIN {PROPOSAL_TABLE} p ON p.id = c.proposal_id
        WHERE c.hidden_at IS NULL AND c.deleted_at IS NULL""",
    ]


def _responses_rows(fill: Fill) -> list[str]:
    return [
        f"""INSERT INTO {fill.into} ({fill.columns})
        SELECT {RESPONSE_TEXT}, r.id, 0, NULL, '', {fill.true}, v.body, v.created_at,
               r.id{fill.folded("v.body")}
        FROM {RESPONSE_TABLE} r JOIN {REVISION_TABLE} v ON v.id = r.current_id""",
        f"""INSERT INTO {fill.into} ({fill.columns})
        SELECT {RESPONSE}, e.id, e.proposal_id,
               CASE WHEN p.hidden_at IS NULL THEN p.process_id END,
               CASE WHEN p.hidden_at IS NULL THEN p.state ELSE '' END,
               p.hidden_at IS NOT NULL, v.body, v.created_at,
               e.response_id{fill.folded("v.body")}
        FROM {ENTRY_TABLE} e
        JOIN {RESPONSE_TABLE} r ON r.id = e.response_id
        JOIN {REVISION_TABLE} v ON v.id = r.current_id
        JOIN {PROPOSAL_TABLE} p ON p.id = e.proposal_id""",
    ]


def _rebuild_statements(
    vendor: str,
    sources: list[Source],
    *,
    into: str = "search_document",
    fold_text: bool = True,
) -> list[str]:
    """The statements that fill ``into`` with every document of ``sources``:
    the first empties it. ``fold_text=False`` leaves the folded text out (SQLite
    folds in the statement, which ``sync()`` only does for the rows it writes;
    PostgreSQL's trigger folds in SQL, and rebuild() then refreshes every row)."""
    fill = Fill(vendor=vendor, into=into, fold_text=fold_text)
    statements = [f"DELETE FROM {into}"]
    for source in sources:
        statements += source.rows(fill)
    return statements


# --- The core's sources ---------------------------------------------------------------

register(
    Source(
        name="proposals",
        tables=(PROPOSAL_TABLE, COMMENT_TABLE),
        kinds=(
            Kind(PROPOSAL, "proposal", _("Proposal"), _("Proposals")),
            Kind(
                COMMENT,
                "comment",
                _("Comment"),
                _("Comments"),
                _("Comment on “%(title)s”"),
            ),
        ),
        sqlite=_sqlite_proposals,
        pg_functions=_PG_PROPOSALS_FUNCTIONS,
        pg_function_names=("search_comment_sync()", "search_proposal_sync()"),
        pg_triggers=tuple(_PG_PROPOSALS_TRIGGERS),
        rows=_proposals_rows,
    )
)
register(
    Source(
        name="responses",
        tables=(ENTRY_TABLE, RESPONSE_TABLE, REVISION_TABLE),
        kinds=(
            Kind(
                RESPONSE,
                "response",
                _("Response"),
                _("Responses"),
                _("Response to “%(title)s”"),
            ),
        ),
        sqlite=_sqlite_responses,
        pg_functions=_PG_RESPONSES_FUNCTIONS,
        pg_function_names=("search_entry_sync()", "search_revision_sync()"),
        pg_triggers=tuple(_PG_RESPONSES_TRIGGERS),
        rows=_responses_rows,
        requires=("proposals",),
    )
)


# --- Public ---------------------------------------------------------------------------


def supported(connection: Any = None) -> bool:
    connection = connection or default_connection
    return connection.vendor in ("sqlite", "postgresql")


def install(connection: Any = None) -> bool:
    """Create whatever is missing. Returns True when anything had to be created
    (so changes may have been missed and the caller should rebuild)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _sqlite_install(connection, cursor)
        if connection.vendor == "postgresql":
            return _pg_install(connection, cursor)
    return False


def uninstall(connection: Any = None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _sqlite_uninstall(cursor)
        elif connection.vendor == "postgresql":
            _pg_uninstall(connection, cursor)


def _sqlite_empty_fts(cursor: Any) -> list[tuple[str, str, str]]:
    """Drop the FTS triggers and make both FTS tables anew, empty (a contentless
    FTS5 table must never be told to delete a row it does not hold). Returns the
    statements, for the caller to put the triggers back once it has refilled."""
    base = _sqlite_base()
    for kind, name, _statement in base:
        if kind == "trigger":
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for kind, name, statement in base:
        if kind == "table":
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(statement)
    return base


def _sqlite_rebuild(connection: Any, cursor: Any) -> None:
    """Refill on SQLite. A contentless FTS5 table must never be told to delete a
    row it does not hold (that corrupts it), so the FTS triggers are dropped, both
    tables emptied with 'delete-all', and the triggers put back before the
    documents are inserted again."""
    base = _sqlite_empty_fts(cursor)
    cursor.execute("DELETE FROM search_document")
    for kind, _name, statement in base:
        if kind == "trigger":
            cursor.execute(statement)
    for statement in _rebuild_statements(connection.vendor, _sources(connection))[1:]:
        cursor.execute(statement)


def rebuild(connection: Any = None) -> int:
    """Refill the index from the source tables; returns the number of searchable
    documents."""
    connection = connection or default_connection
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _sqlite_rebuild(connection, cursor)
        else:
            for statement in _rebuild_statements(
                connection.vendor, _sources(connection)
            ):
                cursor.execute(statement)
        cursor.execute(
            f"SELECT count(*) FROM search_document WHERE kind <> {RESPONSE_TEXT}"
        )
        count = int(cursor.fetchone()[0])
    refresh(connection, limit=None)
    return count


# --- Dictionary forms -----------------------------------------------------------------

REFRESH_BATCH = 500


def register_functions(connection: Any) -> None:
    """On SQLite, make ``search_fold()`` (the whole fold, dictionary forms included)
    callable from the triggers. Runs for every new connection (connection_created):
    a connection without it cannot write to the source tables."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            FOLD_FUNCTION, 1, fold.document_fold, deterministic=True
        )


def refresh(connection: Any = None, limit: int | None = REFRESH_BATCH) -> int:
    """On PostgreSQL, replace the SQL fold of pending documents with the whole fold
    (dictionary forms included); at most ``limit`` of them (None: all). Returns how
    many were refreshed. A row whose text changed meanwhile stays pending."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return 0
    done, last = 0, 0
    with connection.cursor() as cursor:
        while limit is None or done < limit:
            batch = REFRESH_BATCH if limit is None else min(REFRESH_BATCH, limit - done)
            cursor.execute(
                "SELECT id, content FROM search_document WHERE pending AND id > %s "
                "ORDER BY id LIMIT %s",
                [last, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            cursor.executemany(
                "UPDATE search_document SET folded = %s, pending = false "
                "WHERE id = %s AND content = %s",
                [(fold.document_fold(text), pk, text) for pk, text in rows],
            )
            done += len(rows)
            last = rows[-1][0]
    return done


class _RefreshAfterCommit:
    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        refresh(connections[self.alias])


def queue_refresh(alias: str) -> None:
    """After the current transaction commits (at once outside one), refresh the
    pending documents; queued at most once per transaction."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _RefreshAfterCommit) and not entry[1].ran:
            return
    transaction.on_commit(_RefreshAfterCommit(alias), using=alias, robust=True)


def reindex(connection: Any = None) -> None:
    """Fold every document again in place (ids kept) and refill the full-text
    structures from them: for a migration that changes the fold or adds to what
    is stored, where ``rebuild()`` would renumber the rows."""
    connection = connection or default_connection
    if not supported(connection):
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE search_document "
                "SET folded = search_fold(content), pending = true"
            )
        else:
            _sqlite_refill_fulltext(cursor, refold=True)
    refresh(connection, limit=None)


def _sqlite_refill_fulltext(cursor: Any, *, refold: bool) -> None:
    """Make both FTS tables anew from the documents (ids kept); ``refold`` folds
    every document again first."""
    base = _sqlite_empty_fts(cursor)
    if refold:
        cursor.execute(f"UPDATE search_document SET folded = {FOLD_FUNCTION}(content)")
    trigram, grams = _sqlite_fts_values("search_document")
    cursor.execute(
        f"INSERT INTO search_trigram(rowid, content) SELECT id, {trigram} "
        f"FROM search_document WHERE kind <> {RESPONSE_TEXT}"
    )
    cursor.execute(
        f"INSERT INTO search_gram(rowid, grams) SELECT id, {grams} "
        f"FROM search_document WHERE kind <> {RESPONSE_TEXT}"
    )
    for kind, _name, statement in base:
        if kind == "trigger":
            cursor.execute(statement)


def _fulltext_missing(connection: Any) -> bool:
    """Whether a full-text structure over the documents is absent (SQLite's FTS
    tables, PostgreSQL's n-gram column): made anew, it must be refilled."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name IN ('search_trigram', 'search_gram')"
            )
            return int(cursor.fetchone()[0]) < 2
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'search_document' AND column_name = 'grams'"
        )
        return not cursor.fetchone()[0]


def ensure(connection: Any = None) -> bool:
    """Install what is missing or changed and, if anything was, sync the index
    with its sources (refilling a full-text structure made anew). Returns True
    when that happened."""
    connection = connection or default_connection
    if not supported(connection):
        return False
    refill = _fulltext_missing(connection)
    if not install(connection):
        return False
    sync(connection)
    if refill:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                _sqlite_refill_fulltext(cursor, refold=False)
            else:
                cursor.execute(
                    "UPDATE search_document SET grams = search_grams(folded) "
                    f"WHERE kind <> {RESPONSE_TEXT}"
                )
    return True


# What sync() compares, besides the key (kind, object_id).
_SYNCED = (
    "proposal_id",
    "process_id",
    "state",
    "proposal_hidden",
    "content",
    "created_at",
    "response_id",
)


def sync(connection: Any = None) -> int:
    """Bring the index in line with its sources, changing only the documents that
    differ: the missing ones are added, those whose source is gone (or hidden)
    removed, the others corrected in place. Unlike ``rebuild()``, a document that
    is right keeps its row (and id) untouched; for ``ensure()``, after triggers were
    missing or changed. Returns the number of documents added, removed or changed."""
    connection = connection or default_connection
    if not supported(connection):
        return 0
    sqlite = connection.vendor == "sqlite"
    differs = " IS NOT " if sqlite else " IS DISTINCT FROM "
    key = "e.kind = d.kind AND e.object_id = d.object_id"
    changed = " OR ".join(f"d.{c}{differs}e.{c}" for c in _SYNCED)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS search_expected")
        cursor.execute(
            f"CREATE TEMP TABLE search_expected AS SELECT {_COLUMNS} "
            "FROM search_document WHERE 1 = 0"
        )
        for statement in _rebuild_statements(
            connection.vendor,
            _sources(connection),
            into="search_expected",
            fold_text=False,
        )[1:]:
            cursor.execute(statement)
        cursor.execute(
            "DELETE FROM search_document WHERE NOT EXISTS (SELECT 1 FROM "
            "search_expected e WHERE e.kind = search_document.kind "
            "AND e.object_id = search_document.object_id)"
        )
        total = max(cursor.rowcount, 0)
        if sqlite:
            assign = ", ".join(f"{c} = e.{c}" for c in _SYNCED)
            cursor.execute(
                f"UPDATE search_document AS d SET {assign}, folded = CASE WHEN "
                f"d.content IS NOT e.content THEN {FOLD_FUNCTION}(e.content) "
                f"ELSE d.folded END FROM search_expected e WHERE {key} "
                f"AND ({changed})"
            )
        else:
            assign = ", ".join(f"{c} = e.{c}" for c in _SYNCED)
            cursor.execute(
                f"UPDATE search_document d SET {assign} FROM search_expected e "
                f"WHERE {key} AND ({changed})"
            )
        total += max(cursor.rowcount, 0)
        columns = _SQLITE_COLUMNS if sqlite else _COLUMNS
        values = ", ".join(f"e.{c.strip()}" for c in _COLUMNS.split(","))
        if sqlite:
            values += f", {FOLD_FUNCTION}(e.content)"
        cursor.execute(
            f"INSERT INTO search_document ({columns}) SELECT {values} "
            "FROM search_expected e WHERE NOT EXISTS (SELECT 1 FROM "
            f"search_document d WHERE {key})"
        )
        total += max(cursor.rowcount, 0)
        cursor.execute("DROP TABLE search_expected")
    refresh(connection, limit=None)
    return total
