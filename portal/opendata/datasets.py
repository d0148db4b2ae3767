"""The open datasets: what each contains, its schema, and its rows as a stream.

Every dataset reads its rows with ``QuerySet.iterator()`` (or from a handful of
aggregated rows), so exporting never holds a whole table in memory. Nothing
personal leaves: people appear only as a stable pseudonymous id (an HMAC of the
user id keyed with the site's SECRET_KEY), never a name or an e-mail address;
hidden or deleted text is left out (the row stays, flagged, so counts add up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from participation.moderation.models import ModerationAction
from participation.site_url import absolute_url
from participation.spaces.models import Department, Process
from portal.opendata import groups as group_figures
from portal.opendata.kpis import MIN_GROUP
from proposals.models import Comment, Proposal, ProposalImage
from responses import clock
from responses.models import (
    ProgressUpdate,
    ResponseComment,
    ResponseRevision,
    TrackerEntry,
)
from responses.projection import entry_fields
from responses.selectors import scorecards
from responses.transitions import Decision

CHUNK = 1000
PSEUDONYM_SALT = "portal.opendata.person"


def pseudonym(user_id: int | None) -> str:
    """A stable, non-reversible id for a person: the same in every dataset and every
    export while SECRET_KEY stays the same."""
    if user_id is None:
        return ""
    return "p_" + salted_hmac(PSEUDONYM_SALT, str(user_id)).hexdigest()[:20]


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema types: integer, number, string, boolean, datetime, date
    description: Any


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    fields: tuple[Field, ...]
    rows: Callable[[], Iterator[list[Any]]]
    count: Callable[[], int]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


# Fields that mean the same in every dataset that has them.
AUTHOR = Field("author", "string", _("Pseudonymous id of the author."))
BODY = Field("body", "string", _("Text as written (Markdown)."))
POSTED_AT = Field("created_at", "datetime", _("When it was posted."))
HIDDEN = Field("hidden", "boolean", _("Hidden by a facilitator."))
DELETED = Field("deleted", "boolean", _("Deleted by its author."))
COMMENT_ID = Field("id", "integer", _("Comment number."))


def withheld(body: str, *hidden_or_deleted_at: Any) -> str:
    """The public text of a row: empty when it, or what it belongs to, is hidden or
    deleted."""
    return "" if any(hidden_or_deleted_at) else body


def _public_processes() -> Any:
    return Process.objects.public().values("id")


# --- proposals ------------------------------------------------------------------------


def _proposal_qs() -> QuerySet:
    return Proposal.objects.filter(process_id__in=_public_processes()).order_by("id")


_PROPOSAL_COLUMNS = (
    "id",
    "process__slug",
    "title",
    "body",
    "category__slug",
    "area__slug",
    "location_text",
    "state",
    "author_id",
    "support_count",
    "comment_count",
    "threshold_reached_at",
    "created_at",
    "edited_at",
    "withdrawn_at",
    "hidden_at",
)


def _proposal_rows() -> Iterator[list[Any]]:
    rows = _proposal_qs().values_list(*_PROPOSAL_COLUMNS).iterator(chunk_size=CHUNK)
    for (
        pk,
        process,
        title,
        body,
        category,
        area,
        location,
        state,
        author_id,
        supports,
        comments,
        threshold_at,
        created_at,
        edited_at,
        withdrawn_at,
        hidden_at,
    ) in rows:
        hidden = hidden_at is not None
        yield [
            pk,
            absolute_url(f"/proposals/{pk}/"),
            process,
            "" if hidden else title,
            "" if hidden else body,
            category or "",
            area or "",
            "" if hidden else location,
            state,
            pseudonym(author_id),
            supports,
            comments,
            threshold_at,
            created_at,
            edited_at,
            withdrawn_at,
            hidden,
            hidden_at,
        ]


PROPOSALS = Dataset(
    slug="proposals",
    title=_("Proposals"),
    description=_(
        "Every proposal in a public process. Hidden proposals keep their row with the "
        "title and text left empty."
    ),
    fields=(
        Field("id", "integer", _("Proposal number, as in its address.")),
        Field("url", "string", _("The proposal's page.")),
        Field("process", "string", _("Short name (slug) of the process.")),
        Field("title", "string", _("Title as written by the author.")),
        BODY,
        Field("category", "string", _("Category slug, if any.")),
        Field("area", "string", _("Area slug, if any.")),
        Field("location", "string", _("Place named by the author, if any.")),
        Field("state", "string", _("published or withdrawn.")),
        AUTHOR,
        Field("supports", "integer", _("Number of supports.")),
        Field("comments", "integer", _("Number of comments (not deleted).")),
        Field("threshold_reached_at", "datetime", _("When it reached the threshold.")),
        POSTED_AT,
        Field("edited_at", "datetime", _("Last edit by the author.")),
        Field("withdrawn_at", "datetime", _("When the author withdrew it.")),
        HIDDEN,
        Field("hidden_at", "datetime", _("When it was hidden.")),
    ),
    rows=_proposal_rows,
    count=lambda: _proposal_qs().count(),
)


# --- photos of proposals -------------------------------------------------------------


def _photo_qs() -> QuerySet:
    return ProposalImage.objects.filter(
        proposal__process_id__in=_public_processes(),
        proposal__hidden_at__isnull=True,
    ).order_by("proposal_id", "position", "id")


def _photo_rows() -> Iterator[list[Any]]:
    rows = (
        _photo_qs()
        .values_list(
            "id",
            "proposal_id",
            "alt_text",
            "width",
            "height",
            "content_type",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, proposal_id, alt, width, height, content_type, created_at in rows:
        yield [
            pk,
            proposal_id,
            absolute_url(f"/proposals/{proposal_id}/photos/{pk}/"),
            alt,
            width,
            height,
            content_type,
            created_at,
        ]


PHOTOS = Dataset(
    slug="proposal_photos",
    title=_("Photos of proposals"),
    description=_(
        "Every photo on a proposal that is not hidden: its address (the file, "
        "re-encoded without metadata such as the place it was taken) and its "
        "description."
    ),
    fields=(
        Field("id", "integer", _("Photo number, as in its address.")),
        Field("proposal_id", "integer", _("The proposal it belongs to.")),
        Field("url", "string", _("The photo file.")),
        Field("alt_text", "string", _("What the photo shows, as the author wrote.")),
        Field("width", "integer", _("Width in pixels.")),
        Field("height", "integer", _("Height in pixels.")),
        Field("content_type", "string", _("image/jpeg or image/png.")),
        POSTED_AT,
    ),
    rows=_photo_rows,
    count=lambda: _photo_qs().count(),
)


# --- comments -------------------------------------------------------------------------


def _comment_qs() -> QuerySet:
    return Comment.objects.filter(
        proposal__process_id__in=_public_processes()
    ).order_by("id")


def _comment_rows() -> Iterator[list[Any]]:
    rows = (
        _comment_qs()
        .values_list(
            "id",
            "proposal_id",
            "parent_id",
            "depth",
            "author_id",
            "author_role",
            "author_department__code",
            "alignment",
            "body",
            "upvotes",
            "downvotes",
            "created_at",
            "edited_at",
            "hidden_at",
            "deleted_at",
            "proposal__hidden_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for (
        pk,
        proposal_id,
        parent_id,
        depth,
        author_id,
        role,
        department,
        alignment,
        body,
        up,
        down,
        created_at,
        edited_at,
        hidden_at,
        deleted_at,
        proposal_hidden_at,
    ) in rows:
        yield [
            pk,
            proposal_id,
            parent_id,
            depth,
            pseudonym(author_id),
            role,
            department or "",
            alignment,
            withheld(body, hidden_at, deleted_at, proposal_hidden_at),
            up,
            down,
            created_at,
            edited_at,
            hidden_at is not None,
            deleted_at is not None,
        ]


COMMENTS = Dataset(
    slug="comments",
    title=_("Comments"),
    description=_(
        "Every comment on a proposal, threaded by parent. The text of hidden or "
        "deleted comments, and of comments on hidden proposals, is left empty."
    ),
    fields=(
        COMMENT_ID,
        Field("proposal_id", "integer", _("The proposal it belongs to.")),
        Field("parent_id", "integer", _("The comment it answers, if a reply.")),
        Field("depth", "integer", _("0 for a comment, 1 and 2 for replies.")),
        AUTHOR,
        Field("author_role", "string", _("official or facilitator when so badged.")),
        Field("author_department", "string", _("Department code of an official.")),
        Field("alignment", "string", _("favour, against or neutral.")),
        BODY,
        Field("upvotes", "integer", _("Up votes.")),
        Field("downvotes", "integer", _("Down votes.")),
        POSTED_AT,
        Field("edited_at", "datetime", _("Last edit by the author.")),
        HIDDEN,
        DELETED,
    ),
    rows=_comment_rows,
    count=lambda: _comment_qs().count(),
)


# --- tracker, responses, progress -----------------------------------------------------


def _entry_qs() -> QuerySet:
    return TrackerEntry.objects.filter(
        process_id__in=_public_processes(), proposal__hidden_at__isnull=True
    ).order_by("id")


def _tracker_rows() -> Iterator[list[Any]]:
    """The dataset's fields (named as the projection names them) of each entry, by
    the one projection of an entry; "overdue" as of one instant for the whole file,
    the department's code empty when unassigned."""
    now = timezone.now()
    keys = [field.name for field in TRACKER.fields]
    entries = (
        _entry_qs()
        .select_related("process", "department", "section")
        .only(*_TRACKER_COLUMNS)
        .iterator(chunk_size=CHUNK)
    )
    for entry in entries:
        with clock.frozen(now):
            values = entry_fields(entry, keys)
        values["department"] = values["department"] or ""
        values["section"] = values["section"] or ""
        yield [values[key] for key in keys]


# What the rows read of an entry (one query, as before).
_TRACKER_COLUMNS = (
    "proposal",
    "process",
    "process__slug",
    "department",
    "department__code",
    "section",
    "section__code",
    "entered_at",
    "entered_via",
    "response_due_at",
    "decision",
    "decided_at",
    "referred_to",
    "response",
    "implementation",
    "implementation_percent",
    "completed_at",
    "disputed_at",
)


TRACKER = Dataset(
    slug="tracker",
    title=_("Response tracker"),
    description=_(
        "Every proposal that entered the tracker: department, deadline, decision and "
        "implementation."
    ),
    fields=(
        Field("proposal_id", "integer", _("The proposal.")),
        Field("process", "string", _("Short name (slug) of the process.")),
        Field("department", "string", _("Code of the department handling it.")),
        Field("entered_at", "datetime", _("When it entered the tracker.")),
        Field("entered_via", "string", _("threshold or forwarded.")),
        Field("response_due_at", "datetime", _("Deadline for a decision.")),
        Field("decision", "string", _("Current decision status.")),
        Field("decided_at", "datetime", _("When the first decision was published.")),
        Field("overdue", "boolean", _("No decision and past the deadline now.")),
        Field("referred_to", "string", _("Body it was referred to, if referred.")),
        Field("response_id", "integer", _("The published response (responses file).")),
        Field("implementation", "string", _("Implementation status, if accepted.")),
        Field("implementation_percent", "integer", _("Progress in percent.")),
        Field("completed_at", "datetime", _("When implementation was completed.")),
        Field("disputed", "boolean", _("A completion dispute awaits an answer.")),
        # Added later, so after the earlier columns (files are read by position).
        Field(
            "section",
            "string",
            _("Code of its section (課) in that department; empty when none."),
        ),
    ),
    rows=_tracker_rows,
    count=lambda: _entry_qs().count(),
)


def _revision_qs() -> QuerySet:
    return ResponseRevision.objects.order_by("response_id", "number")


def _response_rows() -> Iterator[list[Any]]:
    rows = (
        _revision_qs()
        .values_list(
            "response_id",
            "number",
            "response__current_id",
            "id",
            "response__department__code",
            "decision",
            "body",
            "referred_to",
            "change_note",
            "author_id",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for (
        response_id,
        number,
        current_id,
        pk,
        department,
        decision,
        body,
        referred_to,
        note,
        author_id,
        created_at,
    ) in rows:
        yield [
            response_id,
            number,
            current_id == pk,
            department,
            decision,
            body,
            referred_to,
            note,
            pseudonym(author_id),
            created_at,
        ]


RESPONSES = Dataset(
    slug="responses",
    title=_("Responses and their revisions"),
    description=_(
        "Every revision of every published response, oldest first. A response may "
        "answer several proposals: see response_id in the tracker file."
    ),
    fields=(
        Field("response_id", "integer", _("The response.")),
        Field("revision", "integer", _("1 for the original, then each revision.")),
        Field("is_current", "boolean", _("The text shown now.")),
        Field("department", "string", _("Code of the answering department.")),
        Field("decision", "string", _("Decision stated in this revision.")),
        Field("body", "string", _("Text of the response (Markdown).")),
        Field("referred_to", "string", _("Body it was referred to, if referred.")),
        Field("change_note", "string", _("What changed and why (revisions).")),
        Field("author", "string", _("Pseudonymous id of the official.")),
        Field("published_at", "datetime", _("When this revision was published.")),
    ),
    rows=_response_rows,
    count=lambda: _revision_qs().count(),
)


def _response_comment_qs() -> QuerySet:
    return ResponseComment.objects.filter(
        proposal__process_id__in=_public_processes()
    ).order_by("id")


def _response_comment_rows() -> Iterator[list[Any]]:
    rows = (
        _response_comment_qs()
        .values_list(
            "id",
            "response_id",
            "proposal_id",
            "author_id",
            "body",
            "created_at",
            "hidden_at",
            "deleted_at",
            "proposal__hidden_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for (
        pk,
        response_id,
        proposal_id,
        author_id,
        body,
        created_at,
        hidden_at,
        deleted_at,
        proposal_hidden_at,
    ) in rows:
        yield [
            pk,
            response_id,
            proposal_id,
            pseudonym(author_id),
            withheld(body, hidden_at, deleted_at, proposal_hidden_at),
            created_at,
            hidden_at is not None,
            deleted_at is not None,
        ]


RESPONSE_COMMENTS = Dataset(
    slug="response_comments",
    title=_("Comments on responses"),
    description=_(
        "What residents said about the departments' responses. The text of hidden "
        "or deleted comments, and of comments on hidden proposals, is left empty."
    ),
    fields=(
        COMMENT_ID,
        Field("response_id", "integer", _("The response it discusses.")),
        Field("proposal_id", "integer", _("The proposal page it was written on.")),
        AUTHOR,
        BODY,
        POSTED_AT,
        HIDDEN,
        DELETED,
    ),
    rows=_response_comment_rows,
    count=lambda: _response_comment_qs().count(),
)


def _progress_qs() -> QuerySet:
    return ProgressUpdate.objects.filter(
        entry__process_id__in=_public_processes(),
        entry__proposal__hidden_at__isnull=True,
    ).order_by("id")


def _progress_rows() -> Iterator[list[Any]]:
    rows = (
        _progress_qs()
        .values_list(
            "id",
            "entry__proposal_id",
            "entry__department__code",
            "status",
            "percent",
            "body",
            "link",
            "happened_on",
            "author_id",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, proposal_id, dept, status, pct, body, link, day, author, at in rows:
        yield [
            pk,
            proposal_id,
            dept or "",
            status,
            pct,
            body,
            link,
            day,
            pseudonym(author),
            at,
        ]


PROGRESS = Dataset(
    slug="progress_updates",
    title=_("Progress updates"),
    description=_("Dated steps of implementation posted by departments."),
    fields=(
        Field("id", "integer", _("Update number.")),
        Field("proposal_id", "integer", _("The proposal being implemented.")),
        Field("department", "string", _("Code of the department.")),
        Field("status", "string", _("Implementation status after this step.")),
        Field("percent", "integer", _("Progress in percent.")),
        Field("body", "string", _("What was done (Markdown).")),
        Field("link", "string", _("Link given by the department, if any.")),
        Field("happened_on", "date", _("Date of the step.")),
        Field("author", "string", _("Pseudonymous id of the official.")),
        POSTED_AT,
    ),
    rows=_progress_rows,
    count=lambda: _progress_qs().count(),
)


# --- scorecards -----------------------------------------------------------------------


def _share(part: int, whole: int, *, people: bool = False) -> int | None:
    if not whole or (people and whole < MIN_GROUP):
        return None
    return round(100 * part / whole)


def _scorecard_rows() -> Iterator[list[Any]]:
    board = scorecards()
    for figures in [*board.rows, board.total]:
        department = figures.department
        ratings = figures.ratings
        yield [
            department.code if department else "",
            department.name if department else "",
            department.name_en if department else "",
            figures.received,
            figures.answered,
            figures.answered_share,
            figures.answered_on_time,
            figures.on_time_share,
            figures.overdue,
            figures.median_days,
            figures.p90_days,
            *(figures.decisions.get(value, 0) for value in _decisions()),
            figures.completed,
            figures.completion_rate,
            figures.disputed_ever,
            ratings.count,
            _share(ratings.clear, ratings.count, people=True),
            _share(ratings.satisfied, ratings.count, people=True),
        ]


def _decisions() -> list[str]:
    return list(Decision.values)


def _scorecard_fields() -> tuple[Field, ...]:
    return (
        Field("department", "string", _("Department code; empty for all together.")),
        Field("name", "string", _("Name.")),
        Field("name_en", "string", _("Name in English.")),
        Field("received", "integer", _("Proposals received in the tracker.")),
        Field("answered", "integer", _("Proposals with a decision.")),
        Field("answered_percent", "integer", _("Share answered, in percent.")),
        Field("answered_on_time", "integer", _("Decisions by the deadline.")),
        Field("on_time_percent", "integer", _("Share answered on time, in percent.")),
        Field("overdue", "integer", _("Without a decision past the deadline now.")),
        Field("median_days", "number", _("Median days to a decision.")),
        Field("p90_days", "number", _("90th percentile of days to a decision.")),
        *(
            Field(f"decision_{value}", "integer", label)
            for value, label in Decision.choices
        ),
        Field("completed", "integer", _("Implementations completed.")),
        Field("completion_percent", "integer", _("Completed among accepted, %.")),
        Field("disputed", "integer", _("Completions ever disputed.")),
        Field("ratings", "integer", _("Residents' ratings of responses.")),
        Field(
            "clear_percent",
            "integer",
            _("Ratings finding the response clear, % (empty under 5 ratings)."),
        ),
        Field(
            "satisfied_percent",
            "integer",
            _("Ratings satisfied with the response, % (empty under 5 ratings)."),
        ),
    )


def _scorecards() -> Dataset:
    return Dataset(
        slug="department_scorecards",
        title=_("Department scorecards"),
        description=_(
            "One row per department and a last row for all together: how many "
            "proposals each received and answered, how fast, and with what outcome."
        ),
        fields=_scorecard_fields(),
        rows=_scorecard_rows,
        count=lambda: Department.objects.count() + 1,
    )


# --- moderation log -------------------------------------------------------------------


def _moderation_qs() -> QuerySet:
    return ModerationAction.objects.filter(process_id__in=_public_processes()).order_by(
        "id"
    )


def _moderation_rows() -> Iterator[list[Any]]:
    rows = (
        _moderation_qs()
        .values_list(
            "id",
            "created_at",
            "process__slug",
            "kind",
            "reason_code",
            "reason",
            "content_type__model",
            "object_id",
            "target_url",
            "until",
            "actor_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    for (
        pk,
        at,
        process,
        kind,
        code,
        reason,
        model,
        object_id,
        url,
        until,
        actor,
    ) in rows:
        yield [
            pk,
            at,
            process or "",
            kind,
            code,
            reason,
            model or "",
            object_id,
            # A block's row never links the blocked person's profile.
            ""
            if kind in ("block", "unblock")
            else absolute_url(url)
            if url.startswith("/")
            else url,
            until,
            pseudonym(actor),
        ]


MODERATION = Dataset(
    slug="moderation_log",
    title=_("Moderation log"),
    description=_(
        "The public moderation log of every process: what facilitators hid, "
        "restored, closed or blocked, and why. It never holds hidden text or who "
        "reported."
    ),
    fields=(
        Field("id", "integer", _("Log entry number.")),
        Field("created_at", "datetime", _("When it happened.")),
        Field("process", "string", _("Short name (slug) of the process.")),
        Field("action", "string", _("What was done.")),
        Field("reason_code", "string", _("Reason category.")),
        Field("reason", "string", _("Reason given by the facilitator.")),
        Field("target_type", "string", _("proposal, comment, user …")),
        Field("target_id", "integer", _("Id of what was acted on.")),
        Field("target_url", "string", _("Page of what was acted on.")),
        Field("until", "datetime", _("End of a block, if any.")),
        Field("facilitator", "string", _("Pseudonymous id of the facilitator.")),
    ),
    rows=_moderation_rows,
    count=lambda: _moderation_qs().count(),
)


# --- participation by group ---------------------------------------------------------


def _group_rows() -> Iterator[list[Any]]:
    """The /stats/ tables by age band and by municipality, last 12 months; a
    withheld figure is an empty cell (and named in ``withheld``)."""
    now = timezone.now()
    window_start = group_figures.month_starts(now, 12)[0]
    for table in group_figures.participation_by_group(months=12, now=now):
        lines = [(row, row.key if row.given else "not_given") for row in table.rows]
        lines.append((table.total, "all"))
        for row, group in lines:
            yield [
                table.grouping.key,
                group,
                str(row.label) if row.given else "",
                row.label_en if row.given else "",
                window_start,
                *(getattr(row, name) for name in group_figures.COLUMNS),
                " ".join(row.withheld),
                table.given if group == "all" else None,
            ]


def _group_count() -> int:
    return sum(
        len(table.rows) + 1 for table in group_figures.participation_by_group(months=12)
    )


PARTICIPATION_BY_GROUP = Dataset(
    slug="participation_by_group",
    title=_("Participation by age band and municipality"),
    description=_(
        "Participation over the last 12 months by the age band and the municipality "
        "residents chose to give (optional): one row per group, one for those who "
        "did not give it, and one for everyone. Figures about fewer than 5 people, "
        "and as many others as it takes for them not to be worked out from the "
        "total, are left empty."
    ),
    fields=(
        Field("grouping", "string", _("age_band or municipality.")),
        Field(
            "group",
            "string",
            _("The age band or municipality slug; not_given; all for everyone."),
        ),
        Field("name", "string", _("Name of the group (municipalities).")),
        Field("name_en", "string", _("Name in English.")),
        Field("window_start", "date", _("First day of the 12 months counted.")),
        Field("participants", "integer", _("Residents who took part.")),
        Field(
            "new_participants",
            "integer",
            _("Residents taking part for the first time."),
        ),
        Field("proposals", "integer", _("Proposals posted (not hidden).")),
        Field("comments", "integer", _("Comments posted (shown).")),
        Field("supports", "integer", _("Supports given.")),
        Field(
            "satisfied_percent",
            "integer",
            _("Ratings of responses saying satisfied, %."),
        ),
        Field("withheld", "string", _("Figures withheld in this row.")),
        Field(
            "given",
            "integer",
            _("On the row for everyone: participants who gave the attribute."),
        ),
    ),
    rows=_group_rows,
    count=_group_count,
)


def all_datasets() -> list[Dataset]:
    return [
        PROPOSALS,
        PHOTOS,
        COMMENTS,
        TRACKER,
        RESPONSES,
        RESPONSE_COMMENTS,
        PROGRESS,
        _scorecards(),
        MODERATION,
        PARTICIPATION_BY_GROUP,
    ]


def get(slug: str) -> Dataset | None:
    return next((d for d in all_datasets() if d.slug == slug), None)


# --- value formatting -----------------------------------------------------------------


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_value(value: Any) -> Any:
    """An open-data value as the CSV writer should see it: times in UTC ISO 8601.
    ``participation.csvwriter`` does the rest (booleans, empty cells, formulas)."""
    if isinstance(value, datetime | date):
        return json_value(value)
    return value
