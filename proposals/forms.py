"""Forms for proposals and comments: they parse input; services decide.

Limits come from ``validation.py`` so that forms, services and the API agree. Every
message is Django's translated one or ours through gettext.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participation import images
from participation.errors import Invalid
from participation.spaces.models import Area, Category, Process
from participation.templatetags.participation import tr
from participation.text import clean_text
from proposals import validation
from proposals.models import Alignment, ProposalImage
from proposals.selectors import COMMENT_ORDERS, SORTS, ProposalFilters
from proposals.services import NewImage

# Largest value a database integer key can hold: larger ids cannot exist, and passing
# them on would make SQLite raise OverflowError instead of "not found".
MAX_ID = 2**63 - 1
MAX_SEED = 2**31 - 1


def _readable(value: str) -> str:
    """Normalize user text and refuse bytes that were not valid UTF-8.

    Browsers always send UTF-8; the replacement character means the request was
    garbled on the way, and silently storing it would corrupt the text.
    """
    if "\ufffd" in (value or ""):
        raise ValidationError(
            _(
                "This text contains characters that could not be read. Please "
                "retype it or check your keyboard's encoding."
            ),
            code="encoding",
        )
    return clean_text(value)


def _readable_or_blank(value: Any) -> str:
    return clean_text(str(value or "").replace("\ufffd", " "))


def _alt_required() -> Any:
    return _("Describe each photo in a few words, for people who cannot see it.")


class TranslatedChoiceField(forms.ModelChoiceField):
    """Choices of government-authored names (category, area) in the UI language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(tr(obj, "name"))


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        min_length=validation.TITLE_MIN,
        max_length=validation.TITLE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
    )
    body = forms.CharField(
        label=_("Your proposal"),
        min_length=validation.BODY_MIN,
        max_length=validation.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    category = TranslatedChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label="—"
    )
    area = TranslatedChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        empty_label="—",
        help_text=_("The municipality or district the proposal concerns."),
    )
    location_text = forms.CharField(
        label=_("Location (optional)"),
        required=False,
        max_length=validation.LOCATION_MAX,
        help_text=_("A street, a facility or a landmark, if it is about one place."),
    )

    latitude = forms.DecimalField(
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=12,
        decimal_places=9,
        widget=forms.HiddenInput(attrs={"data-map-latitude": ""}),
    )
    longitude = forms.DecimalField(
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=12,
        decimal_places=9,
        widget=forms.HiddenInput(attrs={"data-map-longitude": ""}),
    )

    def __init__(
        self,
        *args: Any,
        process: Process,
        existing_images: list[ProposalImage] | None = None,
        preview: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.process = process
        self.preview = preview
        self.existing_images = list(existing_images or [])
        self.new_images: list[NewImage] = []
        self._add_photo_fields()
        categories = list(process.categories.all())
        areas = list(process.areas.all())
        category_field = self.fields["category"]
        area_field = self.fields["area"]
        assert isinstance(category_field, forms.ModelChoiceField)
        assert isinstance(area_field, forms.ModelChoiceField)
        category_field.queryset = Category.objects.filter(
            pk__in=[c.pk for c in categories]
        )
        area_field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas])
        # A process without categories (or areas) does not ask for one.
        category_field.required = bool(categories)
        area_field.required = bool(areas)
        if not categories:
            del self.fields["category"]
        if not areas:
            del self.fields["area"]
        # Interpolated here, in the request's language (a lazy string formatted at
        # import time would be frozen in the default language).
        self.fields["title"].help_text = gettext(
            "Between %(min)d and %(max)d characters. Say in one sentence what you "
            "ask for."
        ) % {"min": validation.TITLE_MIN, "max": validation.TITLE_MAX}
        self.fields["body"].help_text = gettext(
            "Between %(min)d and %(max)d characters: what is the problem, what should "
            "change, who would benefit. Leave an empty line between paragraphs; web "
            "addresses become links."
        ) % {"min": validation.BODY_MIN, "max": validation.BODY_MAX}

    # --- photos -----------------------------------------------------------------

    def _add_photo_fields(self) -> None:
        """A slot (file and description) per photo that may still be added, and a
        description and a "remove" box per photo the proposal already has."""
        for image in self.existing_images:
            self.fields[f"image_{image.pk}_alt"] = forms.CharField(
                label=_("Description of this photo"),
                max_length=validation.ALT_TEXT_MAX,
                initial=image.alt_text,
                required=False,
            )
            self.fields[f"image_{image.pk}_remove"] = forms.BooleanField(
                label=_("Remove this photo"), required=False
            )
        for slot in self.photo_slots:
            self.fields[f"photo_{slot}"] = forms.FileField(
                label=_("Photo %(n)d") % {"n": slot},
                required=False,
                allow_empty_file=False,
                widget=forms.FileInput(attrs={"accept": images.ACCEPT_ATTRIBUTE}),
            )
            self.fields[f"photo_{slot}_alt"] = forms.CharField(
                label=_("What the photo shows"),
                required=False,
                max_length=validation.ALT_TEXT_MAX,
                help_text=_(
                    "Required with a photo: a few words for people who cannot see "
                    "it (for example “the broken bench at the east entrance”)."
                ),
            )

    @property
    def photos_max(self) -> int:
        return int(settings.PROPOSAL_IMAGES_MAX)

    @property
    def photo_slots(self) -> range:
        free = settings.PROPOSAL_IMAGES_MAX - len(self.existing_images)
        return range(1, max(0, free) + 1)

    def photo_slot_fields(self) -> list[tuple[Any, Any]]:
        """(file field, description field) per slot, for the template."""
        return [(self[f"photo_{n}"], self[f"photo_{n}_alt"]) for n in self.photo_slots]

    def existing_image_fields(self) -> list[tuple[ProposalImage, Any, Any]]:
        return [
            (image, self[f"image_{image.pk}_alt"], self[f"image_{image.pk}_remove"])
            for image in self.existing_images
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for image in self.existing_images:
            alt = _readable_or_blank(data.get(f"image_{image.pk}_alt"))
            removed = data.get(f"image_{image.pk}_remove")
            if not alt and not removed:
                self.add_error(f"image_{image.pk}_alt", _alt_required())
        for slot in self.photo_slots:
            upload = data.get(f"photo_{slot}")
            alt = _readable_or_blank(data.get(f"photo_{slot}_alt"))
            if upload and not alt:
                self.add_error(f"photo_{slot}_alt", _alt_required())
            elif alt and not upload and not self.preview:
                self.add_error(
                    f"photo_{slot}",
                    _(
                        "Choose the photo again, or clear its description: browsers "
                        "do not keep a chosen file when a page is sent back."
                    ),
                )
            if upload and alt and not self.preview and not self.errors:
                try:
                    content, width, height, content_type = images.reencode(upload)
                except Invalid as exc:
                    self.add_error(f"photo_{slot}", str(exc.message))
                else:
                    self.new_images.append(
                        NewImage(
                            content=content,
                            width=width,
                            height=height,
                            content_type=content_type,
                            alt_text=alt,
                        )
                    )
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            data["latitude"] = data["longitude"] = None
        return data

    @property
    def has_photo_uploads(self) -> bool:
        return any(self.files.get(f"photo_{n}") for n in self.photo_slots)

    def clean_title(self) -> str:
        return _readable(self.cleaned_data["title"])

    def clean_body(self) -> str:
        return _readable(self.cleaned_data["body"])

    def clean_location_text(self) -> str:
        return _readable(self.cleaned_data["location_text"])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "category": data.get("category"),
            "area": data.get("area"),
            "location_text": data.get("location_text", ""),
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "images": list(self.new_images),
        }

    def edit_kwargs(self) -> dict[str, Any]:
        """What an edit adds to ``service_kwargs``: the photos removed and the
        descriptions of those kept."""
        data = self.cleaned_data
        removed = [
            image.pk
            for image in self.existing_images
            if data.get(f"image_{image.pk}_remove")
        ]
        return {
            **self.service_kwargs(),
            "remove_image_ids": removed,
            "image_alt_texts": {
                image.pk: _readable_or_blank(data.get(f"image_{image.pk}_alt"))
                for image in self.existing_images
                if image.pk not in removed
            },
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        min_length=validation.COMMENT_MIN,
        max_length=validation.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown under your real name. Be specific and respectful; an empty line "
            "starts a new paragraph."
        ),
    )
    alignment = forms.ChoiceField(
        label=_("Your position"),
        choices=Alignment.choices,
        initial=Alignment.NEUTRAL,
        widget=forms.RadioSelect,
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def clean_body(self) -> str:
        return _readable(self.cleaned_data["body"])


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]
    alignment = CommentForm.base_fields["alignment"]

    def clean_body(self) -> str:
        return _readable(self.cleaned_data["body"])


class ProposalFilterForm(forms.Form):
    """The list page's filters. Anything not understood falls back to its default,
    and the page says what was ignored."""

    STATES = (
        ("", _("Open")),
        ("threshold", _("Reached the support threshold")),
        ("withdrawn", _("Withdrawn")),
        ("all", _("All")),
    )
    SORT_LABELS = {
        "newest": _("Newest"),
        "most_supported": _("Most supported"),
        "most_commented": _("Most commented"),
        "random": _("Random"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATES)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    seed = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_SEED, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = ("", _("All"))
        category_field = self.fields["category"]
        area_field = self.fields["area"]
        sort_field = self.fields["sort"]
        assert isinstance(category_field, forms.ChoiceField)
        assert isinstance(area_field, forms.ChoiceField)
        assert isinstance(sort_field, forms.ChoiceField)
        category_field.choices = [any_] + [
            (c.slug, tr(c, "name")) for c in process.categories.all()
        ]
        area_field.choices = [any_] + [
            (a.slug, tr(a, "name")) for a in process.areas.all()
        ]
        sort_field.choices = [(key, self.SORT_LABELS[key]) for key in SORTS]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "enterkeyhint": "search"}
        )

    def filters(self) -> tuple[ProposalFilters, list[str]]:
        """The filters to apply, and a message for each value that was ignored."""
        self.is_valid()
        data = self.cleaned_data
        ignored = []
        for name, errors in self.errors.items():
            label = self.fields[name].label or name
            ignored.append(
                _("%(field)s: %(error)s The default was used instead.")
                % {"field": label, "error": " ".join(str(e) for e in errors)}
            )
        filters = ProposalFilters(
            category=data.get("category") or "",
            area=data.get("area") or "",
            state=data.get("state") or "",
            q=_readable_query(data.get("q") or ""),
            sort=data.get("sort") or "newest",
            seed=data.get("seed") or 0,
        )
        return filters, ignored


def _readable_query(value: str) -> str:
    # A garbled search term can never match; drop the unreadable characters.
    return clean_text(value.replace("\ufffd", " "))


def comment_order(value: str | None) -> str:
    return value if value in COMMENT_ORDERS else "oldest"


def thread_page_number(value: str | None) -> int:
    """``?cpage=``: a page of the thread, 1 for anything that is not one."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= 100_000 else 1


def comment_anchor(value: str | None) -> int | None:
    """``?comment=``: the id of a comment to open the thread at, if it is one."""
    if not value or not value.isdigit() or int(value) > MAX_ID:
        return None
    return int(value)


def reply_cursor(value: str | None) -> int | None:
    """``?after=``: the id of the reply "Show N more replies" goes on after (None:
    from the first reply). Raises ValueError for anything else."""
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        raise ValueError(value)
    return int(value)


def vote_value(value: str | None) -> int | None:
    return {"up": 1, "down": -1}.get(value or "")


def similar_limit() -> int:
    return int(getattr(settings, "SIMILAR_PROPOSALS_LIMIT", 5))
