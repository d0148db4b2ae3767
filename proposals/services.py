"""Every write to proposals, supports, comments and votes.

Each function checks permission and phase (``rules.py`` refusals), writes inside a
transaction, and schedules notifications and live broadcasts for after commit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import standing_of
from participation.accounts.types import Actor
from participation.audit import services as audit
from participation.checks import check_length, refuse
from participation.errors import DomainError, Invalid, NotAllowed
from participation.idempotency import services as idempotency
from participation.images import EXTENSIONS, small_rendition
from participation.live import broadcast
from participation.moderation import limits
from participation.notifications import services as notifications
from participation.spaces.models import Area, Category, Process
from participation.text import clean_text, contains_url, render_html
from proposals import events, rules, validation
from proposals.audience import proposal_audience
from proposals.live import PROPOSAL, proposal_pages_changed
from proposals.models import (
    Alignment,
    Comment,
    CommentVote,
    Proposal,
    ProposalImage,
    ProposalState,
    Support,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewImage:
    """A photo to add: the output of ``participation.images.reencode`` (never the
    uploaded bytes themselves) and its description for people who cannot see it."""

    content: bytes
    width: int
    height: int
    content_type: str
    alt_text: str

    def __str__(self) -> str:
        # What an idempotency fingerprint reads: the content by its digest, not
        # megabytes of bytes' repr.
        digest = hashlib.sha256(self.content).hexdigest()
        return f"{digest}:{self.content_type}:{self.alt_text}"


def _minus_one(counter: str) -> Greatest:
    """Decrement a counter without going below zero: a counter that drifted (rows
    written outside these services) must not turn a delete into a database error;
    ``manage.py recount`` puts it right."""
    return Greatest(F(counter) - 1, Value(0))


def _check_scope(
    process: Process, category: Category | None, area: Area | None
) -> None:
    if category is not None and not process.categories.filter(pk=category.pk).exists():
        raise Invalid(
            _("That category does not belong to this process."),
            field_errors={"category": ["invalid_choice"]},
        )
    if area is not None and not process.areas.filter(pk=area.pk).exists():
        raise Invalid(
            _("That area does not belong to this process."),
            field_errors={"area": ["invalid_choice"]},
        )


def _check_duplicate_proposal(author: Actor, title: str) -> None:
    idempotency.refuse_duplicate(
        Proposal.objects.filter(
            author=author, title=title, created_at__gte=idempotency.recent()
        ),
        _("You have just posted a proposal with this title."),
    )


@idempotency.idempotent("proposal")
@transaction.atomic
def proposal_create(
    *,
    author: Actor,
    process: Process,
    title: str,
    body: str,
    category: Category | None = None,
    area: Area | None = None,
    location_text: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    images: Sequence[NewImage] = (),
    idempotency_key: str = "",
) -> Proposal:
    refuse(rules.proposal_create_refusal(author, process))
    title = check_length(
        title, field="title", low=validation.TITLE_MIN, high=validation.TITLE_MAX
    )
    body = check_length(
        body, field="body", low=validation.BODY_MIN, high=validation.BODY_MAX
    )
    location_text = check_length(
        location_text, field="location_text", low=0, high=validation.LOCATION_MAX
    )
    _check_scope(process, category, area)
    images = _checked_images(images, keeping=0)
    latitude, longitude = _checked_point(latitude, longitude)
    _check_duplicate_proposal(author, title)
    limits.hit(user=author, action="proposal")
    proposal = Proposal.objects.create(
        process=process,
        author=author,
        title=title,
        body=body,
        category=category,
        area=area,
        location_text=location_text,
        latitude=latitude,
        longitude=longitude,
    )
    _store_images(proposal, images, start=0)
    notifications.follow(user=author, target=proposal)
    proposal_pages_changed(proposal.pk)
    return proposal


@transaction.atomic
def proposal_edit(
    *,
    actor: Actor,
    proposal: Proposal,
    title: str,
    body: str,
    category: Category | None = None,
    area: Area | None = None,
    location_text: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    images: Sequence[NewImage] = (),
    remove_image_ids: Collection[int] = (),
    image_alt_texts: Mapping[int, str] | None = None,
) -> Proposal:
    """Edit a proposal (until its first support or comment): its text, place and
    photos (``images`` added, ``remove_image_ids`` removed, ``image_alt_texts``
    the new descriptions of the photos it keeps)."""
    # Lock the row so a support or comment arriving now cannot slip past the check.
    locked = (
        Proposal.objects.select_for_update()
        .select_related("process")
        .get(pk=proposal.pk)
    )
    refuse(rules.proposal_edit_refusal(actor, locked))
    locked.title = check_length(
        title, field="title", low=validation.TITLE_MIN, high=validation.TITLE_MAX
    )
    locked.body = check_length(
        body, field="body", low=validation.BODY_MIN, high=validation.BODY_MAX
    )
    locked.location_text = check_length(
        location_text, field="location_text", low=0, high=validation.LOCATION_MAX
    )
    _check_scope(locked.process, category, area)
    existing = list(locked.images.all())
    removed = [image for image in existing if image.pk in set(remove_image_ids)]
    kept = [image for image in existing if image not in removed]
    images = _checked_images(images, keeping=len(kept))
    renamed = _checked_alt_texts(kept, image_alt_texts or {})
    locked.latitude, locked.longitude = _checked_point(latitude, longitude)
    locked.category = category
    locked.area = area
    locked.edited_at = timezone.now()
    locked.save()
    for image in renamed:
        image.save(update_fields=["alt_text"])
    if removed:
        ProposalImage.objects.filter(pk__in=[image.pk for image in removed]).delete()
        names = [name for image in removed for name in _file_names(image)]
        transaction.on_commit(lambda: _delete_files(names))
    _store_images(locked, images, start=max((i.position for i in kept), default=-1) + 1)
    proposal_pages_changed(locked.pk)
    return locked


def _locked_for_photos(actor: Actor, proposal: Proposal) -> Proposal:
    """The proposal locked (a support or comment arriving now cannot slip past the
    check), once its author may still edit it."""
    locked = (
        Proposal.objects.select_for_update()
        .select_related("process")
        .get(pk=proposal.pk)
    )
    refuse(rules.proposal_edit_refusal(actor, locked))
    return locked


def _check_duplicate_photo(proposal: Proposal, image: NewImage) -> None:
    idempotency.refuse_duplicate(
        ProposalImage.objects.filter(
            proposal=proposal,
            alt_text=image.alt_text,
            byte_size=len(image.content),
            created_at__gte=idempotency.recent(),
        ),
        _("You have just added this photo."),
    )


@idempotency.idempotent("proposal_image", author="actor")
@transaction.atomic
def proposal_image_add(
    *,
    actor: Actor,
    proposal: Proposal,
    image: NewImage,
    idempotency_key: str = "",
) -> ProposalImage:
    """Add one photo to a proposal its author may still edit (the API's upload):
    the same checks as the form's (``PROPOSAL_IMAGES_MAX``, a description), put
    after the photos it has; rate-limited as ``photo``."""
    locked = _locked_for_photos(actor, proposal)
    existing = list(locked.images.all())
    (checked,) = _checked_images([image], keeping=len(existing))
    _check_duplicate_photo(locked, checked)
    limits.hit(user=actor, action="photo")
    locked.edited_at = timezone.now()
    locked.save(update_fields=["edited_at"])
    start = max((i.position for i in existing), default=-1) + 1
    (row,) = _store_images(locked, [checked], start=start)
    proposal_pages_changed(locked.pk)
    return row


@transaction.atomic
def proposal_image_remove(*, actor: Actor, proposal: Proposal, image_id: int) -> None:
    """Remove one photo (and its files, once committed) from a proposal its author
    may still edit. A photo that is not the proposal's is refused as unknown."""
    locked = _locked_for_photos(actor, proposal)
    image = ProposalImage.objects.filter(proposal=locked, pk=image_id).first()
    if image is None:
        raise Invalid(
            _("This proposal has no such photo."),
            code="unknown_image",
            field_errors={"image": ["unknown_image"]},
        )
    names = _file_names(image)
    image.delete()
    locked.edited_at = timezone.now()
    locked.save(update_fields=["edited_at"])
    proposal_pages_changed(locked.pk)
    transaction.on_commit(lambda: _delete_files(names))


def _file_names(image: ProposalImage) -> list[str]:
    return [name for name in (image.file.name, image.small_file.name) if name]


# --- photos and place -------------------------------------------------------------


def _checked_images(images: Sequence[NewImage], *, keeping: int) -> list[NewImage]:
    """The photos to add, with their descriptions as stored; refused past
    ``PROPOSAL_IMAGES_MAX`` photos in all or without a description."""
    most = settings.PROPOSAL_IMAGES_MAX
    if keeping + len(images) > most:
        raise Invalid(
            _("A proposal can have at most %(max)d photos.") % {"max": most},
            code="too_many_images",
            field_errors={"images": ["too_many_images"]},
        )
    checked = []
    for image in images:
        if image.content_type not in EXTENSIONS:
            raise Invalid(
                _("This file could not be read as a photo."),
                code="image_unreadable",
                field_errors={"images": ["image_unreadable"]},
            )
        checked.append(
            NewImage(
                content=image.content,
                width=image.width,
                height=image.height,
                content_type=image.content_type,
                alt_text=_checked_alt(image.alt_text),
            )
        )
    return checked


def _checked_alt(value: str) -> str:
    alt = check_length(value, field="alt_text", high=validation.ALT_TEXT_MAX)
    if not alt:
        raise Invalid(
            _("Describe each photo in a few words, for people who cannot see it."),
            code="alt_text_required",
            field_errors={"alt_text": ["required"]},
        )
    return alt


def _checked_alt_texts(
    kept: list[ProposalImage], alt_texts: Mapping[int, str]
) -> list[ProposalImage]:
    changed = []
    for image in kept:
        if image.pk not in alt_texts:
            continue
        alt = _checked_alt(alt_texts[image.pk])
        if alt != image.alt_text:
            image.alt_text = alt
            changed.append(image)
    return changed


def _checked_point(
    latitude: Decimal | None, longitude: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if (
        latitude is None
        or longitude is None
        or not Decimal(-90) <= latitude <= Decimal(90)
        or not Decimal(-180) <= longitude <= Decimal(180)
    ):
        raise Invalid(
            _("That point is not on the map. Choose it again or leave it empty."),
            code="invalid_point",
            field_errors={"latitude": ["invalid"]},
        )
    quantum = Decimal("0.000001")
    return latitude.quantize(quantum), longitude.quantize(quantum)


def _store_images(
    proposal: Proposal, images: list[NewImage], *, start: int
) -> list[ProposalImage]:
    """Write the files (each photo and its small rendition, drawn here once)
    through the storage API, then their rows. Storage is not transactional: files
    written before a failure here are deleted again. (A rollback after this
    returns would leave files without rows: the services write nothing after it
    that can fail but the idempotency key.)"""
    written: list[str] = []
    rows: list[ProposalImage] = []
    try:
        for offset, image in enumerate(images):
            row = ProposalImage(
                proposal=proposal,
                alt_text=image.alt_text,
                width=image.width,
                height=image.height,
                content_type=image.content_type,
                byte_size=len(image.content),
                position=start + offset,
            )
            extension = EXTENSIONS[image.content_type]
            row.file.save(f"photo.{extension}", ContentFile(image.content), save=False)
            written.append(row.file.name)
            _attach_small(row, image.content)
            written.append(row.small_file.name)
            row.save()
            rows.append(row)
    except Exception:
        _delete_files(written)
        raise
    return rows


def _attach_small(row: ProposalImage, content: bytes) -> None:
    """Draw and store the small rendition of ``content`` (the stored photo)."""
    small, width, height, content_type = small_rendition(content)
    row.small_file.save(
        f"small.{EXTENSIONS[content_type]}", ContentFile(small), save=False
    )
    row.small_width, row.small_height = width, height


def photo_renditions_make(*, batch: int = 100) -> tuple[int, int]:
    """Draw the small rendition of every photo stored without one (photos from
    before renditions existed; ``manage.py make_photo_renditions``), ``batch`` at
    a time, each saved on its own. Returns (drawn, failed): a photo whose file is
    gone or unreadable is counted, logged and left as it is (its cards fall back
    to the photo itself)."""
    drawn = failed = 0
    last = 0
    while True:
        rows = list(
            ProposalImage.objects.filter(small_file="", pk__gt=last).order_by("pk")[
                :batch
            ]
        )
        if not rows:
            return drawn, failed
        for row in rows:
            last = row.pk
            try:
                with row.file.open("rb") as handle:
                    content = handle.read()
                _attach_small(row, content)
            except (OSError, ValueError, SyntaxError) as exc:
                logger.warning("No small rendition for photo %s: %s", row.pk, exc)
                failed += 1
                continue
            try:
                row.save(update_fields=["small_file", "small_width", "small_height"])
            except Exception:
                _delete_files([row.small_file.name])
                raise
            drawn += 1


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the photo file %s", name)


def proposal_preview(*, user: Actor, body: str) -> str:
    """The proposal text as it will be shown (the one sanitizer), for the form's
    preview. Rate-limited per person; nothing is stored."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Log in to preview a proposal."), code="login_required")
    body = clean_text(body)
    if len(body) > validation.BODY_MAX:
        body = body[: validation.BODY_MAX]
    limits.hit(user=user, action="preview")
    return render_html(body)


@transaction.atomic
def proposal_withdraw(*, actor: Actor, proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    refuse(rules.proposal_withdraw_refusal(actor, locked))
    locked.state = ProposalState.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["state", "withdrawn_at"])
    audit.record(
        actor=actor,
        action="proposal.withdraw",
        target=locked,
        before={"state": ProposalState.PUBLISHED},
        after={"state": ProposalState.WITHDRAWN},
    )
    notifications.notify(
        recipient_ids=proposal_audience(locked),
        kind="proposal.withdrawn",
        actor=actor,
        url=locked.get_absolute_url(),
        data={"title": locked.title},
    )
    broadcast.send(
        PROPOSAL.name(locked.pk),
        "proposal.status_changed",
        {"proposal_id": locked.pk},
    )
    return locked


def support_add(*, user: Actor, proposal: Proposal) -> bool:
    """Support a proposal. Returns False if the user already supported it.

    The write path is measured (``make bench-writes``, deploy/README.md): one
    transaction of four statements (the support, the follow, the live event, the
    counter), the counter last so that the proposal's row is locked only from its
    UPDATE to the COMMIT (concurrent supporters of one proposal queue on that row,
    nowhere else). ``proposal.support_count`` is set from the UPDATE's RETURNING.
    """
    refuse(rules.support_refusal(user, proposal))
    limits.hit(user=user, action="support")
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=user)
            notifications.follow_quietly(user=user, target=proposal)
            _broadcast_counts(proposal)
            proposal.support_count = _change_support_count(proposal.pk, +1)
            _stamp_threshold(proposal)
    except IntegrityError:
        return False
    return True


def support_remove(*, user: Actor, proposal: Proposal) -> bool:
    """Withdraw one's support. Allowed while supports are being collected. The
    checks read before the transaction, as for a support: it holds only the
    delete, the live event and the counter."""
    refuse(rules.support_withdraw_refusal(user, proposal))
    with transaction.atomic():
        deleted, _n = Support.objects.filter(proposal=proposal, user=user).delete()
        if not deleted:
            return False
        _broadcast_counts(proposal)
        proposal.support_count = _change_support_count(proposal.pk, -1)
    return True


def _change_support_count(proposal_id: int, delta: int) -> int:
    """Add ``delta`` (+1 or -1) to the proposal's support counter, in the caller's
    transaction, and return the new value: one ``UPDATE … RETURNING`` instead of an
    UPDATE and a SELECT. Exact under concurrency (the increment is computed by the
    database on the locked row, never read-modified-written here). A decrement
    never goes below zero (see ``_minus_one``)."""
    table = connection.ops.quote_name(Proposal._meta.db_table)
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    value = "support_count + 1" if delta > 0 else f"{greatest}(support_count - 1, 0)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET support_count = {value} WHERE id = %s "  # noqa: S608 - no user input
            "RETURNING support_count",
            [proposal_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Proposal.DoesNotExist
    return int(row[0])


def _stamp_threshold(proposal: Proposal) -> None:
    """Stamp ``threshold_reached_at`` exactly once, then tell the tracker.

    Called with ``proposal.support_count`` just counted: below the threshold, or
    already stamped when the proposal was read (a stamp is never removed), there is
    nothing to write. Otherwise the conditional UPDATE decides, so two supporters
    crossing the threshold at once stamp it once."""
    if proposal.threshold_reached_at is not None:
        return
    if proposal.support_count < proposal.process.support_threshold:
        return
    now = timezone.now()
    stamped = Proposal.objects.filter(
        pk=proposal.pk,
        threshold_reached_at__isnull=True,
        support_count__gte=proposal.process.support_threshold,
    ).update(threshold_reached_at=now)
    if stamped:
        proposal.threshold_reached_at = now
        events.threshold_reached(proposal)
    else:  # stamped by a concurrent supporter since the proposal was read
        proposal.refresh_from_db(fields=["threshold_reached_at"])


def _broadcast_counts(proposal: Proposal) -> None:
    broadcast.send(
        PROPOSAL.name(proposal.pk),
        "proposal.counts_changed",
        {"proposal_id": proposal.pk},
        about=proposal,
    )


def _role_badge(user: Actor, proposal: Proposal) -> tuple[str, int | None]:
    standing = standing_of(user)
    if standing.department_ids and standing.mfa_satisfied:
        # Badge the department handling this proposal when the official belongs to
        # it; otherwise the official's first department.
        handling = events.handling_department_id(proposal)
        if handling in standing.department_ids:
            return "official", handling
        return "official", min(standing.department_ids)
    if standing.mfa_satisfied and (
        standing.is_site_facilitator_role
        or proposal.process_id in standing.facilitator_process_ids
    ):
        return "facilitator", None
    return "", None


def _check_duplicate_comment(author: Actor, proposal: Proposal, body: str) -> None:
    idempotency.refuse_duplicate(
        Comment.objects.filter(
            author=author,
            body=body,
            created_at__gte=idempotency.recent(),
            deleted_at__isnull=True,
        ),
        _("You have just posted the same text. Each comment must be different."),
    )


def _check_links_allowed(author: Actor, body: str) -> None:
    free = settings.NEW_ACCOUNT_LINK_FREE_COMMENTS
    if not free or not contains_url(body):
        return
    # Comments a facilitator hid do not earn the right to post links.
    earned = Comment.objects.shown().filter(author=author)
    if earned.count() < free:
        raise Invalid(
            _(
                "New accounts cannot post links in their first %(n)d comments. "
                "Please describe the page instead."
            )
            % {"n": free},
            code="links_not_allowed",
            field_errors={"body": ["links_not_allowed"]},
        )


@idempotency.idempotent("comment")
@transaction.atomic
def comment_create(
    *,
    author: Actor,
    proposal: Proposal,
    body: str,
    alignment: str = Alignment.NEUTRAL,
    parent: Comment | None = None,
    idempotency_key: str = "",
) -> Comment:
    refuse(rules.comment_refusal(author, proposal))
    body = check_length(
        body, field="body", low=validation.COMMENT_MIN, high=validation.COMMENT_MAX
    )
    if alignment not in Alignment.values:
        raise Invalid(
            _("Choose in favour, against or neutral."),
            field_errors={"alignment": ["invalid_choice"]},
        )
    depth = 0
    if parent is not None:
        refuse(rules.reply_refusal(proposal, parent))
        depth = parent.depth + 1
    _check_duplicate_comment(author, proposal, body)
    _check_links_allowed(author, body)
    limits.hit(user=author, action="comment")
    role, department_id = _role_badge(author, proposal)
    comment = Comment.objects.create(
        proposal=proposal,
        author=author,
        parent=parent,
        depth=depth,
        body=body,
        alignment=alignment,
        author_role=role,
        author_department_id=department_id,
    )
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=F("comment_count") + 1)
    notifications.follow(user=author, target=proposal)
    data = {"title": proposal.title, "actor": author.real_name}
    url = comment.get_absolute_url()
    reply_to = {parent.author_id} if parent is not None else set()
    if reply_to:
        notifications.notify(
            recipient_ids=reply_to,
            kind="comment.reply",
            actor=author,
            url=url,
            data=data,
            reason="replied",
            target=comment,
        )
    notifications.notify(
        recipient_ids=proposal_audience(proposal).without(reply_to),
        kind="comment.created",
        actor=author,
        url=url,
        data=data,
        target=comment,
    )
    broadcast.send(
        PROPOSAL.name(proposal.pk),
        "proposal.comment_created",
        {"proposal_id": proposal.pk, "comment_id": comment.pk},
    )
    return comment


@transaction.atomic
def comment_edit(
    *, actor: Actor, comment: Comment, body: str, alignment: str | None = None
) -> Comment:
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    refuse(rules.comment_edit_refusal(actor, locked))
    locked.body = check_length(
        body, field="body", low=validation.COMMENT_MIN, high=validation.COMMENT_MAX
    )
    if alignment is not None:
        if alignment not in Alignment.values:
            raise Invalid(_("Choose in favour, against or neutral."))
        locked.alignment = alignment
    locked.edited_at = timezone.now()
    locked.save(update_fields=["body", "alignment", "edited_at"])
    broadcast.send(
        PROPOSAL.name(locked.proposal_id),
        "proposal.comment_changed",
        {"proposal_id": locked.proposal_id, "comment_id": locked.pk},
    )
    return locked


@transaction.atomic
def comment_delete(*, actor: Actor, comment: Comment) -> Comment:
    """Delete by the author: the row stays as a placeholder so replies keep context."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    refuse(rules.comment_delete_refusal(actor, locked))
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    Proposal.objects.filter(pk=locked.proposal_id).update(
        comment_count=_minus_one("comment_count")
    )
    broadcast.send(
        PROPOSAL.name(locked.proposal_id),
        "proposal.comment_changed",
        {"proposal_id": locked.proposal_id, "comment_id": locked.pk},
    )
    return locked


@transaction.atomic
def comment_vote(*, user: Actor, comment: Comment, value: int) -> int:
    """Vote +1/-1; voting the same way again removes the vote. Returns the vote now
    held (1, -1 or 0)."""
    if value not in (1, -1):
        raise Invalid(_("A vote is up or down."))
    refuse(rules.comment_vote_refusal(user, comment))
    # Lock the comment row: two first votes by the same user arriving together would
    # otherwise both miss ``existing`` and the second would hit the unique constraint.
    Comment.objects.select_for_update().only("pk").get(pk=comment.pk)
    existing = CommentVote.objects.filter(comment=comment, user=user).first()
    field = {1: "upvotes", -1: "downvotes"}
    result = value
    if existing is None:
        CommentVote.objects.create(comment=comment, user=user, value=value)
        Comment.objects.filter(pk=comment.pk).update(
            **{field[value]: F(field[value]) + 1}
        )
    elif existing.value == value:
        existing.delete()
        Comment.objects.filter(pk=comment.pk).update(
            **{field[value]: _minus_one(field[value])}
        )
        result = 0
    else:
        old = existing.value
        existing.value = value
        existing.save(update_fields=["value"])
        Comment.objects.filter(pk=comment.pk).update(
            **{field[value]: F(field[value]) + 1, field[old]: _minus_one(field[old])}
        )
    broadcast.send(
        PROPOSAL.name(comment.proposal_id),
        "proposal.comment_votes_changed",
        {"proposal_id": comment.proposal_id, "comment_id": comment.pk},
    )
    return result


def proposal_follow(*, user: Actor, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        raise DomainError(_("Please log in to follow proposals."))
    return notifications.follow(user=user, target=proposal)


def proposal_unfollow(*, user: Actor, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        raise DomainError(_("Please log in to follow proposals."))
    return notifications.unfollow(user=user, target=proposal)


def recount(*, proposal_ids: list[int] | None = None) -> int:
    """Recompute the denormalized proposal counters (supports, comments not deleted by
    their authors); returns how many proposals were corrected."""
    supports = (
        Support.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    comments = (
        Comment.objects.filter(proposal=OuterRef("pk"), deleted_at__isnull=True)
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Proposal.objects.all()
    if proposal_ids is not None:
        qs = qs.filter(pk__in=proposal_ids)
    rows = (
        qs.annotate(
            real_supports=Coalesce(Subquery(supports), 0),
            real_comments=Coalesce(Subquery(comments), 0),
        )
        .exclude(support_count=F("real_supports"), comment_count=F("real_comments"))
        .values_list("pk", "real_supports", "real_comments")
    )
    fixed = 0
    for pk, real_supports, real_comments in list(rows):
        fixed += Proposal.objects.filter(pk=pk).update(
            support_count=real_supports, comment_count=real_comments
        )
    return fixed


def recount_comment_votes(*, proposal_ids: list[int] | None = None) -> int:
    """Recompute the up/down vote counters of comments; returns rows corrected."""
    votes = CommentVote.objects.filter(comment=OuterRef("pk")).order_by()
    ups = votes.filter(value=1).values("comment").annotate(n=Count("pk")).values("n")
    downs = votes.filter(value=-1).values("comment").annotate(n=Count("pk")).values("n")
    qs = Comment.objects.all()
    if proposal_ids is not None:
        qs = qs.filter(proposal_id__in=proposal_ids)
    rows = (
        qs.annotate(
            real_up=Coalesce(Subquery(ups), 0), real_down=Coalesce(Subquery(downs), 0)
        )
        .exclude(upvotes=F("real_up"), downvotes=F("real_down"))
        .values_list("pk", "real_up", "real_down")
    )
    fixed = 0
    for pk, real_up, real_down in list(rows):
        fixed += Comment.objects.filter(pk=pk).update(
            upvotes=real_up, downvotes=real_down
        )
    return fixed
