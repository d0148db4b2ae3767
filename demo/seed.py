"""Build the demo prefecture by replaying its history through the services.

Every proposal, support, comment and vote goes through ``proposals.services`` and
every role through ``accounts.services.role_grant``, so the demo obeys the same
rules (phases, permissions, validation) and leaves the same traces (follows,
notifications, audit rows, tracker entries) as real use. Each action is replayed in
the phase that was running at the moment it happened; afterwards the timestamps
are moved back to those moments so the data has months of history.

The whole seed is one transaction: it either completes or leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import importlib
import random
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DatabaseError, models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone, translation

from demo import content
from participation.accounts import services as account_services
from participation.accounts.models import Role, RoleGrant, User
from participation.audit.services import record
from participation.live import broadcast
from participation.moderation.models import Block
from participation.notifications import services as notifications
from participation.notifications.models import Follow, Notification
from participation.spaces.models import (
    Area,
    Category,
    Department,
    Phase,
    Process,
    ProcessStatus,
)
from proposals import services as proposal_services
from proposals.models import Comment, CommentVote, Proposal, Support

# Seeders of the other parts, called after the core seed when their module exists.
EXTENSIONS = (
    ("demo.responses", "seed_responses", "official responses and the tracker"),
    ("demo.moderation", "seed_moderation", "reports, hides and blocks"),
    ("demo.live", "seed_live", "live meeting sessions"),
    ("demo.routing", "seed_routing", "sections, routing rules and a routed proposal"),
    ("demo.attributes", "seed_attributes", "attributes residents chose to give"),
    ("demo.verification", "seed_verification", "residency verification"),
    ("demo.setup", "seed_setup", "a draft process to set up and publish"),
    ("demo.people", "seed_people", "a pending staff invitation"),
    ("demo.drafts", "seed_drafts", "sections, answer templates and a draft to approve"),
    # Last: every demo account made above has accepted the terms.
    ("demo.privacy", "seed_privacy", "terms accepted and the data-access log"),
    ("demo.places", "seed_places", "points on the map"),
)

RANDOM_SEED = 2026
MIN_GAP = timedelta(minutes=7)


class DemoError(Exception):
    """The demo cannot be seeded into this database as it stands."""


@dataclass
class Result:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


# --- Helpers ------------------------------------------------------------------------


@contextlib.contextmanager
def seeding_settings() -> Iterator[None]:
    """Seeding is an operator's trusted action: no per-user rate limits, and the
    demo staff may act without MFA while history is replayed (the accounts still
    need MFA afterwards unless DEBUG is on)."""
    overrides = {"RATE_LIMITS": {}, "STAFF_MFA_REQUIRED": False}
    saved = {name: getattr(settings, name) for name in overrides}
    for name, value in overrides.items():
        setattr(settings, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(settings, name, value)


@contextlib.contextmanager
def history_is_not_news() -> Iterator[None]:
    """Replaying months of history must not push thousands of stale events to the
    browsers connected right now, nor fill the live layer's catch-up log: live
    broadcasts are muted while seeding (pages show the data on their next load),
    and no notification is e-mailed."""
    original = broadcast.send

    def muted(
        group: str,
        event_type: str,
        payload: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        return None

    broadcast.send = muted  # type: ignore[assignment]
    try:
        # Nor may it e-mail the demo's people about months-old events (the first
        # `make run` would print a thousand messages): notifications stay in-app.
        with notifications.without_email():
            yield
    finally:
        broadcast.send = original  # type: ignore[assignment]


class Timeline:
    """The dated phases of one process, to replay an action in the phase that was
    running when it happened and to pick moments when an action was allowed."""

    def __init__(self, process: Process, phases: list[Phase], now: datetime) -> None:
        self.process = process
        self.phases = sorted(phases, key=lambda p: p.starts_at)
        self.now = now
        self._starts = [p.starts_at for p in self.phases]

    def phase_at(self, when: datetime) -> Phase | None:
        index = bisect_right(self._starts, when) - 1
        if index >= 0 and when < self.phases[index].ends_at:
            return self.phases[index]
        return None

    def replay_at(self, when: datetime) -> None:
        """Make the process answer ``current_phase`` as it did at ``when``."""
        self.process._current_phase = self.phase_at(when)  # type: ignore[attr-defined]

    def windows(
        self, flag: str | None, start: datetime
    ) -> list[tuple[datetime, datetime]]:
        """Intervals after ``start`` (and before now) when ``flag`` was allowed;
        ``flag`` None means any time (staff may comment in any phase)."""
        end = self.now - timedelta(minutes=30)
        if flag is None:
            return [(start, end)] if start < end else []
        spans = []
        for phase in self.phases:
            if not getattr(phase, flag):
                continue
            lo, hi = max(phase.starts_at, start), min(phase.ends_at, end)
            if lo < hi:
                spans.append((lo, hi))
        return spans

    def pick(
        self,
        rng: random.Random,
        flag: str | None,
        start: datetime,
        *,
        early: float = 2.0,
    ) -> datetime | None:
        """A moment after ``start`` when ``flag`` was allowed, biased towards the
        beginning (discussion is liveliest soon after a proposal appears)."""
        spans = self.windows(flag, start + MIN_GAP)
        total = sum((hi - lo).total_seconds() for lo, hi in spans)
        if total <= 0:
            return None
        offset = (rng.random() ** early) * total
        for lo, hi in spans:
            length = (hi - lo).total_seconds()
            if offset <= length:
                return lo + timedelta(seconds=offset)
            offset -= length
        return spans[-1][1]


# --- The seeder ---------------------------------------------------------------------


class Seeder:
    def __init__(self, *, now: datetime, log: Callable[[str], None]) -> None:
        self.now = now
        self.log = log
        self.rng = random.Random(RANDOM_SEED)
        self.users: dict[str, User] = {}
        self.departments: dict[str, Department] = {}
        self.categories: dict[str, Category] = {}
        self.areas: dict[str, Area] = {}
        self.processes: dict[str, Process] = {}
        self.timelines: dict[str, Timeline] = {}
        # Backdating, applied once everything exists.
        self.proposal_times: dict[int, dict[str, datetime]] = {}
        self.support_times: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
        self.comment_times: dict[int, dict[str, datetime]] = {}
        self.comment_urls: dict[int, str] = {}
        self.vote_times: dict[tuple[int, int], datetime] = {}
        self.first_activity: dict[int, datetime] = {}
        self.follow_times: dict[tuple[int, int], datetime] = {}
        self.used_texts: set[tuple[int, str]] = set()
        self.pools: dict[str, list[tuple[str, str]]] = {}

    # -- reference data and people ---------------------------------------------------

    def seed_reference_data(self) -> None:
        for d in content.DEPARTMENTS:
            self.departments[d.code], _ = Department.objects.update_or_create(
                code=d.code,
                defaults={
                    "name": d.name,
                    "name_en": d.name_en,
                    "description": d.description,
                    "description_en": d.description_en,
                },
            )
        for slug, name, name_en in content.CATEGORIES:
            self.categories[slug], _ = Category.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en}
            )
        for slug, name, name_en in content.AREAS:
            self.areas[slug], _ = Area.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en}
            )

    def seed_people(self) -> None:
        emails = [p.email for p in content.PEOPLE]
        foreign = User.objects.filter(email__in=emails, is_demo=False)
        if foreign.exists():
            raise DemoError(
                "These addresses belong to real (non-demo) accounts, so the demo "
                "will not touch them: "
                + ", ".join(foreign.values_list("email", flat=True))
            )
        # One hash for every demo account: hashing is slow by design, and the demo
        # password is public anyway.
        password = make_password(settings.DEMO_PASSWORD)
        existing = {u.email: u for u in User.objects.filter(email__in=emails)}
        for person in content.PEOPLE:
            user = existing.get(person.email)
            if user is None:
                user = User(email=person.email)
            user.real_name = person.real_name
            user.name_reading = person.name_reading
            user.bio = person.bio
            user.is_demo = True
            user.is_active = True
            user.password = password
            user.save()
            EmailAddress.objects.filter(user=user).exclude(email=person.email).delete()
            EmailAddress.objects.update_or_create(
                user=user,
                email=person.email,
                defaults={"verified": True, "primary": True},
            )
            self.users[person.key] = user

    def seed_processes(self) -> None:
        for position, spec in enumerate(content.PROCESSES, start=1):
            process = Process.objects.create(
                slug=spec.slug,
                title=spec.title,
                title_en=spec.title_en,
                summary=spec.summary,
                summary_en=spec.summary_en,
                description=spec.description,
                description_en=spec.description_en,
                support_threshold=spec.support_threshold,
                response_days=spec.response_days,
                status=ProcessStatus.PUBLISHED,
                position=position,
                created_at=self.now - timedelta(days=spec.created_days_ago),
            )
            process.categories.set([self.categories[c] for c in spec.categories])
            process.areas.set([self.areas[a] for a in spec.areas])
            midnight = self.now.astimezone(timezone.get_current_timezone()).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            phases = [
                Phase.objects.create(
                    process=process,
                    kind=p.kind,
                    title=p.title,
                    title_en=p.title_en,
                    description=p.description,
                    description_en=p.description_en,
                    starts_at=midnight + timedelta(days=p.starts),
                    ends_at=midnight + timedelta(days=p.ends),
                    allows_proposing=p.proposing,
                    allows_supporting=p.supporting,
                    allows_commenting=p.commenting,
                )
                for p in spec.phases
            ]
            self.processes[spec.slug] = process
            self.timelines[spec.slug] = Timeline(process, phases, self.now)

    def seed_roles(self) -> None:
        """Grant roles through the service (actor None: the operator), so that the
        audit log records them."""
        wanted: list[tuple[User, str, Process | None, Department | None]] = []
        facilitator = self.users[content.FACILITATOR.key]
        for each in self.processes.values():
            wanted.append((facilitator, Role.FACILITATOR, each, None))
        for key, codes in content.OFFICIAL_DEPARTMENTS.items():
            for code in codes:
                wanted.append(
                    (self.users[key], Role.OFFICIAL, None, self.departments[code])
                )
        wanted.append((self.users[content.ADMIN.key], Role.ADMIN, None, None))
        for user, role, process, department in wanted:
            if not RoleGrant.objects.filter(
                user=user, role=role, process=process, department=department
            ).exists():
                account_services.role_grant(
                    actor=None,
                    user=user,
                    role=role,
                    process=process,
                    department=department,
                )

    # -- proposals and deliberation -------------------------------------------------

    def _resident_keys(self) -> list[str]:
        return [p.key for p in content.RESIDENTS]

    def _when_posted(self, spec: content.ProposalSpec) -> datetime:
        timeline = self.timelines[spec.process]
        spans = timeline.windows("allows_proposing", timeline.phases[0].starts_at)
        lo, hi = spans[0][0], spans[-1][1]
        # Leave room for the discussion: proposals arrive over the first 85% of the
        # proposal period (or up to two days ago when it is still running).
        hi = min(hi, self.now - timedelta(days=2))
        span = (hi - lo).total_seconds() * 0.85
        return lo + timedelta(seconds=self.rng.random() * span)

    def seed_proposals(self) -> None:
        schedule = sorted(
            ((self._when_posted(spec), spec) for spec in content.PROPOSALS),
            key=lambda item: item[0],
        )
        for posted_at, spec in schedule:
            self._seed_one(spec, posted_at)

    def _note_activity(self, user: User, proposal: Proposal, when: datetime) -> None:
        if user.pk not in self.first_activity or when < self.first_activity[user.pk]:
            self.first_activity[user.pk] = when
        key = (user.pk, proposal.pk)
        if key not in self.follow_times or when < self.follow_times[key]:
            self.follow_times[key] = when

    def _seed_one(self, spec: content.ProposalSpec, posted_at: datetime) -> None:
        timeline = self.timelines[spec.process]
        process = self.processes[spec.process]
        author = self.users[spec.author]
        timeline.replay_at(posted_at)
        proposal = proposal_services.proposal_create(
            author=author,
            process=process,
            title=spec.title,
            body=spec.body,
            category=self.categories[spec.category],
            area=self.areas[spec.area],
            location_text=spec.location,
        )
        times: dict[str, datetime] = {"created_at": posted_at}
        self._note_activity(author, proposal, posted_at)
        last = posted_at
        if spec.edited_body:
            edited_at = posted_at + timedelta(hours=2, minutes=self.rng.randint(0, 90))
            timeline.replay_at(edited_at)
            proposal = proposal_services.proposal_edit(
                actor=author,
                proposal=proposal,
                title=spec.title,
                body=spec.edited_body,
                category=proposal.category,
                area=proposal.area,
                location_text=spec.location,
            )
            proposal.process = process  # keep the replayed phase
            times["edited_at"] = edited_at
            last = edited_at
        self.proposal_times[proposal.pk] = times

        last = max(last, self._seed_supports(spec, proposal, last))
        last = max(last, self._seed_thread(spec, proposal, last))
        if spec.withdrawn:
            withdrawn_at = min(last + timedelta(days=3), self.now - timedelta(hours=1))
            timeline.replay_at(withdrawn_at)
            proposal_services.proposal_withdraw(actor=author, proposal=proposal)
            times["withdrawn_at"] = withdrawn_at

    def _seed_supports(
        self, spec: content.ProposalSpec, proposal: Proposal, after: datetime
    ) -> datetime:
        timeline = self.timelines[spec.process]
        candidates = [k for k in self._resident_keys() if k != spec.author]
        supporters = self.rng.sample(candidates, min(spec.supports, len(candidates)))
        moments = []
        for key in supporters:
            when = timeline.pick(self.rng, "allows_supporting", after, early=1.6)
            if when is not None:
                moments.append((when, key))
        moments.sort()
        for when, key in moments:
            user = self.users[key]
            timeline.replay_at(when)
            proposal_services.support_add(user=user, proposal=proposal)
            self.support_times[proposal.pk].append((user.pk, when))
            self._note_activity(user, proposal, when)
        return moments[-1][0] if moments else after

    def _pick_author(self, exclude: set[str]) -> str:
        choices = [k for k in self._resident_keys() if k not in exclude]
        return self.rng.choice(choices)

    def _pool_text(
        self, pool_name: str, source: tuple[tuple[str, str], ...], user: User
    ):
        pool = self.pools.get(pool_name)
        if not pool:
            pool = list(source)
            self.rng.shuffle(pool)
            self.pools[pool_name] = pool
        for index, (_alignment, text) in enumerate(pool):
            if (user.pk, text) not in self.used_texts:
                return pool.pop(index)
        return None

    def _post(
        self,
        proposal: Proposal,
        timeline: Timeline,
        *,
        author_key: str,
        alignment: str,
        body: str,
        after: datetime,
        parent: Comment | None = None,
    ) -> tuple[Comment, datetime] | None:
        user = self.users[author_key]
        staff = author_key in {p.key for p in content.STAFF}
        when = timeline.pick(
            self.rng, None if staff else "allows_commenting", after, early=2.5
        )
        if when is None:
            return None
        timeline.replay_at(when)
        comment = proposal_services.comment_create(
            author=user,
            proposal=proposal,
            body=body,
            alignment=alignment,
            parent=parent,
        )
        self.used_texts.add((user.pk, comment.body))
        self.comment_times[comment.pk] = {"created_at": when}
        self.comment_urls[comment.pk] = comment.get_absolute_url()
        self._note_activity(user, proposal, when)
        return comment, when

    def _seed_thread(
        self, spec: content.ProposalSpec, proposal: Proposal, after: datetime
    ) -> datetime:
        timeline = self.timelines[spec.process]
        area_name = self.areas[spec.area].name
        posted: list[tuple[Comment, datetime, content.C | None]] = []
        last = after
        start = self.proposal_times[proposal.pk]["created_at"]

        def walk(node: content.C, parent: Comment | None, parent_at: datetime) -> None:
            nonlocal last
            author_key = node.author or self._pick_author({spec.author})
            made = self._post(
                proposal,
                timeline,
                author_key=author_key,
                alignment=node.alignment,
                body=node.body,
                after=parent_at,
                parent=parent,
            )
            if made is None:
                return
            comment, when = made
            posted.append((comment, when, node))
            last = max(last, when)
            for reply in node.replies:
                walk(reply, comment, when)

        moment = start
        for node in spec.thread:
            walk(node, None, moment)
            moment = posted[-1][1] if posted else moment

        # Further comments from residents, drawn from the pools; some get replies.
        for _n in range(spec.extra_comments):
            author_key = self._pick_author({spec.author})
            user = self.users[author_key]
            picked = self._pool_text(
                f"cat:{spec.category}", content.CATEGORY_COMMENTS[spec.category], user
            ) or self._pool_text("general", content.GENERAL_COMMENTS, user)
            if picked is None:
                continue
            alignment, text = picked
            made = self._post(
                proposal,
                timeline,
                author_key=author_key,
                alignment=alignment,
                body=text.format(area=area_name),
                after=start,
            )
            if made is None:
                continue
            comment, when = made
            posted.append((comment, when, None))
            last = max(last, when)
            parent, parent_at, depth = comment, when, 0
            while depth < 2 and self.rng.random() < (0.45 if depth == 0 else 0.3):
                reply_key = self._pick_author({author_key})
                if depth == 1 and self.rng.random() < 0.5:
                    reply_key = author_key  # the original author answers back
                reply_user = self.users[reply_key]
                reply = self._pool_text("replies", content.GENERAL_REPLIES, reply_user)
                if reply is None:
                    break
                made = self._post(
                    proposal,
                    timeline,
                    author_key=reply_key,
                    alignment=reply[0],
                    body=reply[1],
                    after=parent_at,
                    parent=parent,
                )
                if made is None:
                    break
                parent, parent_at = made
                posted.append((parent, parent_at, None))
                last = max(last, parent_at)
                depth += 1

        self._seed_votes(proposal, posted)
        self._seed_edits(proposal, timeline, posted)
        return last

    def _seed_votes(
        self, proposal: Proposal, posted: list[tuple[Comment, datetime, Any]]
    ) -> None:
        keys = self._resident_keys()
        for comment, when, _node in posted:
            voters = self.rng.sample(keys, self.rng.choice((0, 0, 1, 1, 2, 3, 5)))
            for key in voters:
                user = self.users[key]
                if user.pk == comment.author_id:
                    continue
                value = 1 if self.rng.random() < 0.8 else -1
                voted_at = min(
                    when + timedelta(hours=self.rng.uniform(0.5, 72)),
                    self.now - timedelta(minutes=10),
                )
                proposal_services.comment_vote(user=user, comment=comment, value=value)
                self.vote_times[(comment.pk, user.pk)] = voted_at

    def _seed_edits(
        self,
        proposal: Proposal,
        timeline: Timeline,
        posted: list[tuple[Comment, datetime, Any]],
    ) -> None:
        for comment, when, node in posted:
            if node is None:
                continue
            if node.edit_to:
                edited_at = when + timedelta(minutes=self.rng.randint(20, 240))
                timeline.replay_at(edited_at)
                proposal_services.comment_edit(
                    actor=comment.author, comment=comment, body=node.edit_to
                )
                self.comment_times[comment.pk]["edited_at"] = edited_at
            if node.deleted:
                deleted_at = when + timedelta(hours=self.rng.randint(3, 30))
                proposal_services.comment_delete(actor=comment.author, comment=comment)
                self.comment_times[comment.pk]["deleted_at"] = deleted_at

    # -- history ---------------------------------------------------------------------

    def backdate(self) -> None:
        """Move every timestamp to the moment it was replayed at."""
        proposals = list(Proposal.objects.filter(pk__in=self.proposal_times))
        for proposal in proposals:
            times = self.proposal_times[proposal.pk]
            proposal.created_at = times["created_at"]
            proposal.edited_at = times.get("edited_at")
            proposal.withdrawn_at = times.get("withdrawn_at")
            if proposal.threshold_reached_at is not None:
                threshold = self.processes_by_id[proposal.process_id].support_threshold
                moments = sorted(when for _u, when in self.support_times[proposal.pk])
                proposal.threshold_reached_at = moments[threshold - 1]
        Proposal.objects.bulk_update(
            proposals,
            ["created_at", "edited_at", "withdrawn_at", "threshold_reached_at"],
            batch_size=200,
        )

        supports = list(Support.objects.filter(proposal_id__in=self.proposal_times))
        support_at = {
            (pid, uid): when
            for pid, rows in self.support_times.items()
            for uid, when in rows
        }
        for support in supports:
            support.created_at = support_at[(support.proposal_id, support.user_id)]
        Support.objects.bulk_update(supports, ["created_at"], batch_size=500)

        comments = list(Comment.objects.filter(pk__in=self.comment_times))
        for comment in comments:
            times = self.comment_times[comment.pk]
            comment.created_at = times["created_at"]
            comment.edited_at = times.get("edited_at")
            comment.deleted_at = times.get("deleted_at", comment.deleted_at)
        Comment.objects.bulk_update(
            comments, ["created_at", "edited_at", "deleted_at"], batch_size=500
        )

        votes = list(CommentVote.objects.filter(comment_id__in=self.comment_times))
        for vote in votes:
            vote.created_at = self.vote_times.get(
                (vote.comment_id, vote.user_id), self.now
            )
        CommentVote.objects.bulk_update(votes, ["created_at"], batch_size=500)

        self._backdate_follows_and_notifications()
        self._backdate_people()
        self._badge_departments()

    def _badge_departments(self) -> None:
        """An official who answers for several departments speaks, on a proposal,
        for the department that handles its subject."""
        for comment in Comment.objects.filter(
            pk__in=self.comment_times, author_role="official"
        ).select_related("proposal__category"):
            category = comment.proposal.category
            code = content.DEPARTMENT_FOR_CATEGORY.get(
                category.slug if category else ""
            )
            department = self.departments.get(code or "")
            if department is None or comment.author_department_id == department.pk:
                continue
            if RoleGrant.objects.filter(
                user_id=comment.author_id, role=Role.OFFICIAL, department=department
            ).exists():
                Comment.objects.filter(pk=comment.pk).update(
                    author_department=department
                )

    def _backdate_follows_and_notifications(self) -> None:
        ct = ContentType.objects.get_for_model(Proposal)
        follows = list(
            Follow.objects.filter(content_type=ct, object_id__in=self.proposal_times)
        )
        for follow in follows:
            follow.created_at = self.follow_times.get(
                (follow.user_id, follow.object_id), follow.created_at
            )
        Follow.objects.bulk_update(follows, ["created_at"], batch_size=500)

        # Notifications about comments carry the comment's address: date them with
        # the comment; everything older than a week counts as read.
        read_before = self.now - timedelta(days=7)

        def date(queryset: models.QuerySet[Any], when: datetime) -> None:
            queryset.update(
                created_at=when,
                read_at=when + timedelta(hours=6) if when < read_before else None,
            )

        for pk, times in self.comment_times.items():
            date(
                Notification.objects.filter(url=self.comment_urls[pk]),
                times["created_at"],
            )
        # Other notifications about a proposal (its threshold, for instance) were
        # sent when it reached its threshold, or else when it was posted.
        for proposal in Proposal.objects.filter(pk__in=self.proposal_times):
            url = proposal.get_absolute_url()
            date(
                Notification.objects.filter(
                    Q(url=url) | Q(url__startswith=f"{url}#"),
                    created_at__gte=self.now,
                ).exclude(url__contains="#comment-"),
                proposal.threshold_reached_at or proposal.created_at,
            )

    def _backdate_people(self) -> None:
        users = list(self.users.values())
        for user in users:
            first = self.first_activity.get(user.pk)
            if first is None:
                first = self.now - timedelta(days=330)
            joined = first - timedelta(
                days=self.rng.randint(1, 20), hours=self.rng.randint(0, 23)
            )
            user.date_joined = joined
            user.last_login = None
        User.objects.bulk_update(users, ["date_joined", "last_login"], batch_size=100)

    # -- extensions ------------------------------------------------------------------

    def run_extensions(self) -> None:
        for module_name, function_name, what in EXTENSIONS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                self.log(f"  - {module_name} is not installed: skipping {what}.")
                continue
            seeder = getattr(module, function_name)
            with transaction.atomic():
                seeder(self.now)
            self.log(f"  - {what}: done ({module_name}.{function_name}).")

    # -- entry point -----------------------------------------------------------------

    @property
    def processes_by_id(self) -> dict[int, Process]:
        return {p.pk: p for p in self.processes.values()}

    def run(self, *, extensions: bool = True) -> None:
        self.seed_reference_data()
        self.seed_people()
        self.seed_processes()
        self.seed_roles()
        self.seed_proposals()
        self.backdate()
        fixed = proposal_services.recount(proposal_ids=list(self.proposal_times))
        if fixed:
            raise DemoError(f"{fixed} proposal counters were wrong after seeding.")
        if extensions:
            self.run_extensions()


# --- Public functions ---------------------------------------------------------------


def demo_present() -> bool | None:
    """True when every demo process exists, False when none does, None when only
    some do (a database someone edited by hand)."""
    found = Process.objects.filter(slug__in=content.PROCESS_SLUGS).count()
    if found == len(content.PROCESS_SLUGS):
        return True
    return False if found == 0 else None


def counts() -> dict[str, int]:
    slugs = content.PROCESS_SLUGS
    proposals = Proposal.objects.filter(process__slug__in=slugs)
    return {
        "processes": Process.objects.filter(slug__in=slugs).count(),
        "proposals": proposals.count(),
        "comments": Comment.objects.filter(proposal__process__slug__in=slugs).count(),
        "supports": Support.objects.filter(proposal__process__slug__in=slugs).count(),
        "comment votes": CommentVote.objects.filter(
            comment__proposal__process__slug__in=slugs
        ).count(),
        "over threshold": proposals.filter(threshold_reached_at__isnull=False).count(),
        "accounts": User.objects.filter(is_demo=True).count(),
    }


def _forget_headline_figures(log: Callable[[str], None]) -> None:
    """The home page caches its figures for a minute; drop them so they show the
    new data at once."""
    try:
        cache.delete("home:headline")
    except DatabaseError:
        log("  (cache table missing: run `manage.py createcachetable`.)")


def seed(
    *,
    now: datetime | None = None,
    log: Callable[[str], None] = print,
    extensions: bool = True,
) -> Result:
    """Seed the demo unless it is already there. Idempotent."""
    state = demo_present()
    if state is True:
        return Result(created=False, counts=counts())
    if state is None:
        raise DemoError(
            "Only some of the demo processes exist; run seed_demo --reset to rebuild."
        )
    log("Seeding the demo prefecture…")
    seeder = Seeder(now=now or timezone.now(), log=log)
    with seeding_settings(), history_is_not_news(), transaction.atomic():
        seeder.run(extensions=extensions)
    _forget_headline_figures(log)
    return Result(created=True, counts=counts())


def _generic_references() -> list[tuple[type[models.Model], str, str]]:
    """Every (model, content_type field, object_id field) of a generic foreign key:
    the rows that can point at a proposal, a comment or a process."""
    from django.apps import apps

    found = []
    for candidate in apps.get_models():
        for private in candidate._meta.private_fields:
            if isinstance(private, GenericForeignKey):
                found.append((candidate, private.ct_field, private.fk_field))
    return found


def _delete(
    queryset: models.QuerySet[Any], removed: Counter[str], depth: int = 0
) -> None:
    """Delete the rows, after the rows of other parts that protect them from
    deletion (a tracker entry protects its proposal, for instance): those point at
    demo data, so they are demo data too."""
    from django.apps import apps

    if depth > 8:
        raise DemoError("The demo data is referenced too deeply to delete it.")
    for _attempt in range(20):
        try:
            with transaction.atomic():
                _total, per_model = queryset.delete()
        except (ProtectedError, RestrictedError) as exc:
            blockers = (
                exc.protected_objects
                if isinstance(exc, ProtectedError)
                else exc.restricted_objects
            )
            by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
            for obj in blockers:
                by_model[type(obj)].append(obj.pk)
            for model, pks in by_model.items():
                _delete(model._default_manager.filter(pk__in=pks), removed, depth + 1)
            continue
        with translation.override("en"):
            for label, number in per_model.items():
                meta = apps.get_model(label)._meta
                if number and not meta.auto_created:
                    removed[str(meta.verbose_name_plural)] += number
        return
    raise DemoError("The demo data could not be deleted; delete it in the admin.")


def reset(*, log: Callable[[str], None] = print) -> dict[str, int]:
    """Delete the demo processes and everything in them, and the demo accounts'
    traces (notifications, follows, blocks, role grants). The accounts themselves
    stay (the append-only audit log refers to them) and are reused by the next
    seed; departments, categories and areas are updated in place by it."""

    removed: Counter[str] = Counter()
    with transaction.atomic():
        processes = Process.objects.filter(slug__in=content.PROCESS_SLUGS)
        process_ids = list(processes.values_list("pk", flat=True))
        proposals = Proposal.objects.filter(process_id__in=process_ids)
        proposal_ids = list(proposals.values_list("pk", flat=True))
        comment_ids = list(
            Comment.objects.filter(proposal_id__in=proposal_ids).values_list(
                "pk", flat=True
            )
        )
        # Rows that point at demo content through generic relations (follows,
        # reports, moderation records) do not cascade: remove them explicitly. The
        # audit log is append-only and keeps its history.
        for model, ids in (
            (Proposal, proposal_ids),
            (Comment, comment_ids),
            (Process, process_ids),
        ):
            if not ids:
                continue
            ct = ContentType.objects.get_for_model(model)
            for ref_model, ct_field, fk_field in _generic_references():
                if ref_model._meta.label == "audit.AuditEvent":
                    continue
                _delete(
                    ref_model._default_manager.filter(
                        **{ct_field: ct, f"{fk_field}__in": ids}
                    ),
                    removed,
                )
        demo_users = User.objects.filter(is_demo=True)
        _delete(Notification.objects.filter(recipient__in=demo_users), removed)
        _delete(Block.objects.filter(user__in=demo_users), removed)
        _delete(RoleGrant.objects.filter(user__in=demo_users), removed)
        # Proposals before their processes, which protect them.
        _delete(Proposal.objects.filter(pk__in=proposal_ids), removed)
        _delete(Process.objects.filter(pk__in=process_ids), removed)
        record(
            actor=None,
            action="demo.reset",
            after={"processes": len(process_ids), "proposals": len(proposal_ids)},
        )
    _forget_headline_figures(log)
    return dict(removed)
