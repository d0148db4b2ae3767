"""How search text is folded, so that a query finds the ways Japanese is written.

Documents and queries go through the same functions:

``raw_fold(text)``
    Unicode NFKC (full-width Latin and digits to ASCII, half-width katakana to
    full-width), lower case, katakana to hiragana (a query in either script finds
    both), the iteration marks written out (時々 → 時時, こゝ → ここ, すゞ → すず)
    and the long-vowel mark (and the dashes typed in its place) dropped after kana
    (サーバー and サーバ both become さば). It is simple enough to be written in SQL
    too: PostgreSQL's triggers use ``SQL_FOLD`` (the same steps, see
    ``sql_fold_function``) and a test checks that both agree.
``sudachi_fold(text)``
    The text as SudachiPy (core dictionary, split mode C) normalises it, word by
    word, then raw-folded: 子ども/こども → 子供, 引越し → 引っ越し, サーバ → サーバー.
    Words that conjugate keep their written form (a normalised form is their
    dictionary form: 遊べ → 遊ぶ would break substring matching), and Latin words
    keep theirs (Sudachi spells "park" パーク).
``document_fold(text)``
    What is indexed: the raw fold, and on a second line the Sudachi fold when it
    differs. Matching is by substring, so a query term matches when either of its
    folds (``alternatives``) is in either line. A query cannot rely on Sudachi
    alone: といれ is read as と + 入れる, but its raw fold といれ matches トイレ.

``spans(text, terms)`` finds where the terms match in the original text (for
highlighting), through the same folds with a map back to the original characters.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

# Katakana ァ..ヶ to hiragana ぁ..ゖ, and the katakana iteration marks.
_KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7)) + "ヽヾ"
_HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097)) + "ゝゞ"
_KANA_TABLE = str.maketrans(_KATAKANA, _HIRAGANA)
# The voiced iteration mark after a kana that takes dakuten.
_UNVOICED = "かきくけこさしすせそたちつてとはひふへほ"
_VOICED = "がぎぐげござじずぜぞだぢづでどばびぶべぼ"
_VOICE = dict(zip(_UNVOICED, _VOICED, strict=True))
# The long-vowel mark and what is typed in its place (after NFKC, "－" is "-").
LONG_MARKS = "ー\u2010\u2011\u2012\u2013\u2014\u2015\u2212-"
_ITERATION = re.compile(r"(.)[々ゝ]", re.S)
_LONG = re.compile(r"(?<=[ぁ-ゖ])[ー\u2010-\u2015\u2212\-]+")
_NEEDS_POST = re.compile(r"[々ゝゞー\u2010-\u2015\u2212\-]")


def _post(text: str) -> str:
    if not _NEEDS_POST.search(text):
        return text
    for plain, voiced in _VOICE.items():
        text = text.replace(plain + "ゞ", plain + voiced)
    text = _ITERATION.sub(r"\1\1", text)
    return _LONG.sub("", text)


def raw_fold(text: str) -> str:
    """Width, case, script, iteration and long-vowel folding (no dictionary)."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return _post(folded.translate(_KANA_TABLE))


def sql_fold_function() -> str:
    """``search_fold(text)`` for PostgreSQL: the same steps as ``raw_fold``."""
    kana = f"'{_KATAKANA}', '{_HIRAGANA}'"
    expression = f"translate(lower(normalize(t, NFKC)), {kana})"
    for plain, voiced in _VOICE.items():
        expression = f"replace({expression}, '{plain}ゞ', '{plain}{voiced}')"
    expression = f"regexp_replace({expression}, '(.)[々ゝ]', '\\1\\1', 'g')"
    long_marks = "[ー\u2010-\u2015\u2212-]+"
    expression = f"regexp_replace({expression}, '(?<=[ぁ-ゖ]){long_marks}', '', 'g')"
    return f"""CREATE OR REPLACE FUNCTION search_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {expression} $$;"""


# --- Sudachi ----------------------------------------------------------------------

_local = threading.local()
_lock = threading.Lock()
_dictionary: Any = None
CHUNK = 4000  # characters per call (Sudachi refuses inputs above 49,149 bytes)


def _tokenizer() -> Any:
    global _dictionary  # noqa: PLW0603 - one dictionary per process, loaded lazily
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary

        with _lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
        tokenizer = _local.tokenizer = _dictionary.tokenizer()
    return tokenizer


def _chunks(text: str) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most CHUNK characters, cut after line ends."""
    pieces: list[tuple[int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        for start in range(0, len(line), CHUNK):
            pieces.append((offset + start, line[start : start + CHUNK]))
        offset += len(line)
    return pieces


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded form) of each word of the text."""
    from sudachipy import SplitMode

    tokenizer = _tokenizer()
    words: list[tuple[int, int, str]] = []
    for offset, piece in _chunks(text):
        for m in tokenizer.tokenize(piece, SplitMode.C):
            surface = m.surface()
            form = surface
            if (
                m.part_of_speech()[4] == "*"
                and not unicodedata.normalize("NFKC", surface).isascii()
            ):
                form = m.normalized_form()
            words.append((offset + m.begin(), offset + m.end(), raw_fold(form)))
    return words


def sudachi_fold(text: str) -> str:
    """The text in Sudachi's normalised spellings, raw-folded word by word."""
    if not text:
        return ""
    return "".join(form for _start, _end, form in _words(text))


def document_fold(text: str | None) -> str:
    """What the index holds for a document's text."""
    raw = raw_fold(text or "")
    try:
        dictionary = sudachi_fold(text or "")
    except Exception:  # noqa: BLE001 - a write must never fail for the index's sake
        logger.exception("search: Sudachi could not read a text; raw fold only")
        return raw
    return raw if dictionary == raw else f"{raw}\n{dictionary}"


@lru_cache(maxsize=512)
def alternatives(term: str) -> tuple[str, ...]:
    """The folded forms of a query term; a document matches the term when it
    contains any of them."""
    forms = []
    for form in (raw_fold(term), sudachi_fold(term)):
        form = "".join(form.split())
        if form and form not in forms:
            forms.append(form)
    return tuple(forms)


# --- Where terms match in the original text -----------------------------------------


def _raw_map(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The raw fold of the text and, for each of its characters, the span of the
    original characters it came from."""
    normal = unicodedata.normalize("NFKC", text)
    pieces: list[tuple[str, int, int]]
    lowered = normal.lower()
    if len(normal) == len(text) and len(lowered) == len(normal):
        folded = lowered.translate(_KANA_TABLE)
        pieces = [(ch, i, i + 1) for i, ch in enumerate(folded)]
    else:
        pieces = []
        i = 0
        while i < len(text):
            j = i + 1
            while j < len(text) and (
                unicodedata.combining(text[j]) or text[j] in "\uff9e\uff9f"
            ):
                j += 1
            group = unicodedata.normalize("NFKC", text[i:j]).lower()
            pieces += [(ch, i, j) for ch in group.translate(_KANA_TABLE)]
            i = j
    if _NEEDS_POST.search(text) or _NEEDS_POST.search(normal):
        out: list[tuple[str, int, int]] = []
        for ch, start, end in pieces:
            previous = out[-1][0] if out else ""
            if ch == "ゞ" and previous in _VOICE:
                out.append((_VOICE[previous], start, end))
            elif ch in "々ゝ" and previous:
                out.append((previous, start, end))
            elif ch in LONG_MARKS and "ぁ" <= previous <= "ゖ":
                continue
            else:
                out.append((ch, start, end))
        pieces = out
    return "".join(p[0] for p in pieces), [(p[1], p[2]) for p in pieces]


def _dictionary_map(text: str) -> tuple[str, list[tuple[int, int]]]:
    chars: list[str] = []
    origin: list[tuple[int, int]] = []
    for start, end, form in _words(text):
        chars.append(form)
        origin += [(start, end)] * len(form)
    return "".join(chars), origin


def _find(
    folded: str, origin: list[tuple[int, int]], form: str
) -> list[tuple[int, int]]:
    found = []
    position = folded.find(form)
    while position >= 0 and form:
        last = position + len(form) - 1
        found.append((origin[position][0], origin[last][1]))
        position = folded.find(form, position + len(form))
    return found


MAP_LIMIT = 20_000  # characters read with the dictionary for highlighting


def spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of the original text where any
    of the terms matches through its folds."""
    forms = {form for term in terms for form in alternatives(term)}
    if not text or not forms:
        return []
    found: list[tuple[int, int]] = []
    folded, origin = _raw_map(text)
    for form in forms:
        found += _find(folded, origin, form)
    if any(len(alternatives(term)) > 1 for term in terms):
        folded, origin = _dictionary_map(text[:MAP_LIMIT])
        for form in forms:
            found += _find(folded, origin, form)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
