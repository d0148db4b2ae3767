"""Attributes a resident chooses to give, each with its purpose written next to it.

One row per person who gave at least one attribute; none for anyone else. Removing
an attribute erases its value, and a row left with nothing in it is deleted
(``services.attributes_save``): nothing is kept "blank", nothing is archived, and
the values are never written to the audit log (it would outlive the deletion).

The attributes are never public: no page, API response, open-data row or search
document of anyone else shows them. They are read by the resident's own pages
("For you", "Your data") and, only as counts of at least ``MIN_GROUP`` people, by
the participation figures (``portal/opendata/groups.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HEAR_ABOUT_MAX = 100


class AgeBand(models.TextChoices):
    TEENS = "10s", _("10s")
    TWENTIES = "20s", _("20s")
    THIRTIES = "30s", _("30s")
    FORTIES = "40s", _("40s")
    FIFTIES = "50s", _("50s")
    SIXTIES = "60s", _("60s")
    SEVENTIES = "70s", _("70s")
    EIGHTIES = "80s+", _("80s and over")


# Why each attribute is asked for: shown next to each field, on "Your data" and in
# the download. One place, so the page and the export never disagree.
PURPOSES = {
    "age_band": _(
        "Counted, never shown, in the participation figures by age group, so the "
        "organisation can see which generations it reaches. Groups of fewer than "
        "five people are never shown."
    ),
    "area": _(
        "Shows you processes, proposals and answers about your municipality under "
        "“For you”, and is counted in the participation figures by municipality "
        "(groups of fewer than five people are never shown)."
    ),
    "interests": _(
        "Shows you processes, proposals and answers in these categories under "
        "“For you”."
    ),
    "hear_about": _(
        "Proposals whose title contains these words are shown to you under "
        "“For you”. Nobody else sees what you write here."
    ),
}


class ResidentAttributes(models.Model):
    """What one resident chose to tell about themselves. Every field is optional."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="resident_attributes",
        verbose_name=_("resident"),
    )
    age_band = models.CharField(
        _("age band"),
        max_length=4,
        choices=AgeBand.choices,
        blank=True,
        default="",
        help_text=PURPOSES["age_band"],
    )
    area = models.ForeignKey(
        "spaces.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality of residence"),
        help_text=PURPOSES["area"],
    )
    interests = models.ManyToManyField(
        "spaces.Category",
        blank=True,
        related_name="+",
        verbose_name=_("interests"),
        help_text=PURPOSES["interests"],
    )
    hear_about = models.CharField(
        _("what you would like to hear about"),
        max_length=HEAR_ABOUT_MAX,
        blank=True,
        default="",
        help_text=PURPOSES["hear_about"],
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("resident's attributes")
        verbose_name_plural = _("residents' attributes")
        constraints = [
            models.CheckConstraint(
                name="attributes_known_age_band",
                condition=models.Q(age_band__in=["", *AgeBand.values]),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.user_id}"
