"""Self-declared residence (low assurance): municipality and postal code.

The resident picks the area (municipality) they live in and gives their postal
code; the code must begin with one of the area's postal-code prefixes
(``Area.postal_prefixes``). Nothing proves the declaration, and it cannot tell
two people apart (one household shares a postal code), so it stores no identity
hash and a requirement of this level does not make "one person, one support":
use it where a light "are you from here?" is enough. The postal code itself is
not kept, only the area.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from participation.errors import Invalid
from participation.verification.methods import Method
from participation.verification.models import Level

KEY = "declared"
_POSTAL = re.compile(r"^\d{7}$")


def normalise_postal_code(raw: str) -> str:
    """``"６７５−００１２"``, ``"675-0012"``, ``"〒675 0012"`` → ``"6750012"``."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"[\s\-‐－ー〒]", "", text)


def prefixes_of(area: object) -> list[str]:
    raw = str(getattr(area, "postal_prefixes", "") or "")
    pieces = re.split(r"[\s,、，]+", unicodedata.normalize("NFKC", raw))
    return [normalise_postal_code(p) for p in pieces if normalise_postal_code(p)]


def check(area: object, raw_postal_code: str) -> str:
    """The normalised postal code, or Invalid when it is not one of ``area``'s."""
    code = normalise_postal_code(raw_postal_code)
    if not _POSTAL.match(code):
        raise Invalid(
            _("Please enter a postal code of seven digits, like 675-0012."),
            code="postal_code_malformed",
            field_errors={"postal_code": [_("Seven digits, like 675-0012.")]},
        )
    prefixes = prefixes_of(area)
    if not prefixes:
        raise Invalid(
            _("This area cannot be declared: it has no postal codes set up."),
            code="area_without_postal_codes",
            field_errors={"area": [_("Choose another area.")]},
        )
    if not any(code.startswith(p) for p in prefixes):
        raise Invalid(
            _(
                "This postal code is not in %(area)s. Please check both, or choose "
                "the area your postal code belongs to."
            )
            % {"area": str(area)},
            code="postal_code_outside_area",
            field_errors={"postal_code": [_("Not a postal code of this area.")]},
        )
    return code


def how_to() -> str:
    return str(
        _(
            "Declare the municipality you live in and your postal code on the "
            "verification page."
        )
    )


METHOD = Method(
    key=KEY,
    label=_("Self-declared municipality and postal code"),
    level=Level.DECLARED,
    url_name="verification:declare",
    how_to=how_to,
    distinguishes_people=False,
)
