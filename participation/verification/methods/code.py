"""One-time codes handed over at a counter or printed for a letter.

Staff issue codes (``services.codes_issue``: one, or a batch for letters); each is
shown once, on the printable page that the issue answers with, and only its keyed
hash is kept (``hashing.keyed_hash``). A code is 11 random characters of an
alphabet without look-alikes (no 0/O, 1/I/L) and one check character (a weighted
sum mod 31), shown as ``XXXX-XXXX-XXXX``: about 54 bits, so guessing one is hopeless
under the entry limits (``limits.py``) and the lock after repeated failures.
The check character catches a mistyped code before it reaches the store, so a
typo is told as a typo and does not count towards the lock. Entry accepts
full-width characters, lower case, spaces and hyphens.

A code is valid until it expires (``VERIFICATION_CODE_DAYS`` by default, chosen
when issued) and for one verification only; its hash is the verification's
identity hash, so it can never verify a second account.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participation.verification.hashing import keyed_hash
from participation.verification.methods import Method
from participation.verification.models import Level

KEY = "code"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_N = len(ALPHABET)
DATA_LENGTH = 11
LENGTH = DATA_LENGTH + 1


def _check_char(data: str) -> str:
    """A weighted sum mod 31 (a prime): with weights 2..12 on the data and 1 on
    the check character, every single wrong character and every swap of two
    neighbours changes the sum, so it is caught."""
    total = sum((i + 2) * ALPHABET.index(char) for i, char in enumerate(data))
    return ALPHABET[(-total) % _N]


def generate() -> str:
    """A new random code, normalised (no hyphens)."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return data + _check_char(data)


def display(code: str) -> str:
    """``"ABCD2345WXYZ"`` → ``"ABCD-2345-WXYZ"`` (for print)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(raw: str) -> str:
    """What the person typed → the code's characters (upper case, no separators,
    full-width folded)."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return re.sub(r"[\s\-‐－ー_.]", "", text)


def well_formed(code: str) -> bool:
    """Right length, alphabet and check character."""
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return False
    return _check_char(code[:DATA_LENGTH]) == code[-1]


def digest(code: str) -> str:
    return keyed_hash(KEY, code)


def counter_help() -> str:
    """Where and how to get a code: the organisation's own words if it set them
    (``VERIFICATION_COUNTER_HELP``), else a general sentence."""
    custom = getattr(settings, "VERIFICATION_COUNTER_HELP", "")
    if custom:
        return str(custom)
    return str(
        _(
            "Ask for a verification code at the resident services counter of your "
            "municipal office (bring a document that shows your address), or ask "
            "for one to be sent by letter to your registered address."
        )
    )


def how_to() -> str:
    return str(
        _("%(where)s Then enter the code on the verification page.")
        % {"where": counter_help()}
    )


METHOD = Method(
    key=KEY,
    label=_("Verification code (counter or letter)"),
    level=Level.CONFIRMED,
    url_name="verification:code",
    how_to=how_to,
)
