"""Proposal and comment pages.

Each view reads like a sentence: parse the form, call one service, then redirect
with a message or render again. Services refuse with a domain error; this module
turns it into a message and a status:

- a form that fails is rendered again with the message and the error's status
  (400 invalid, 403 not allowed or wrong phase, 409 double submit, 429 too fast),
  keeping what the person typed;
- a button (support, follow, vote) that fails shows a 403/429 page for refusals,
  otherwise a message on the page it came from;
- anonymous visitors are sent to log in, and come back to the page they were on.
"""

from __future__ import annotations

import json
import random
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation import dbpool, doors, pagecache
from participation.errors import DomainError, Invalid
from participation.idempotency import services as idempotency
from participation.images import EXTENSIONS, content_type_of
from participation.notifications import services as notifications
from participation.spaces.models import Process
from participation.text import clean_text
from proposals import events, forms, fragments, rules, selectors, services
from proposals.models import Comment, Proposal, ProposalImage

# --- helpers ------------------------------------------------------------------

MAX_ID = 2**63 - 1  # the largest id the database can hold


def _process_or_404(slug: str, viewer: Any = None) -> Process:
    """A public process; with ``viewer``, also a draft that person may preview."""
    try:
        return selectors.process_for_page(slug, viewer)
    except Process.DoesNotExist as exc:
        raise Http404 from exc


def _check_visible(proposal: Proposal, user: Any) -> None:
    """Proposals of a draft process exist only for its facilitators (and admins)."""
    if not fragments.proposal_visible_to(proposal, user):
        raise Http404


def _proposal_or_404(pk: int, user: Any) -> Proposal:
    if pk > forms.MAX_ID:
        raise Http404
    try:
        proposal = selectors.proposal_for_page(pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    _check_visible(proposal, user)
    return proposal


def _comment_or_404(pk: int, user: Any) -> Comment:
    if pk > forms.MAX_ID:
        raise Http404
    try:
        comment = selectors.comment_for_page(pk)
    except Comment.DoesNotExist as exc:
        raise Http404 from exc
    _check_visible(comment.proposal, user)
    return comment


def _login(next_url: str) -> HttpResponseRedirect:
    return redirect_to_login(next_url)


def _refused(
    request: HttpRequest, error: DomainError, *, back: str, back_label: str = ""
) -> HttpResponse:
    return doors.refused(
        request, error, back=back, back_label=back_label or _("Back to the proposal")
    )


def _anchor(url: str, anchor: str) -> str:
    return f"{url}#{anchor}"


# --- the list -----------------------------------------------------------------


@require_GET
@pagecache.cached(lambda slug: [pagecache.scope("process", slug)])
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process_or_404(slug, request.user)
    form = forms.ProposalFilterForm(request.GET, process=process)
    filters, ignored = form.filters()
    if filters.sort == "random" and not filters.seed:
        # Fix the shuffle in the address, so paging and sharing keep the same order.
        query = request.GET.copy()
        query["seed"] = str(random.randint(1, forms.MAX_SEED))
        query.pop("page", None)
        return redirect(f"{request.path}?{query.urlencode()}")
    # Cards show each proposal's tracker status without a query per card: the
    # tracker adds what it needs through ``events.for_cards``.
    paginator = Paginator(
        events.for_cards(selectors.proposal_list(process, filters)),
        settings.PROPOSALS_PER_PAGE,
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    supported = selectors.supported_ids(request.user, [p.pk for p in page_obj])
    filtered = any([filters.q, filters.category, filters.area, filters.state])
    return render(
        request,
        "proposals/list.html",
        {
            "process": process,
            "form": form,
            "filters": filters,
            "ignored": ignored,
            "filtered": filtered,
            "page_obj": page_obj,
            "proposals": page_obj.object_list,
            "supported": supported,
        },
    )


@require_GET
def proposal_similar(request: HttpRequest, slug: str) -> HttpResponse:
    """Up to five proposals of the process with a similar title, while typing one."""
    process = Process.objects.public().filter(slug=slug).first()
    if process is None:
        raise Http404
    title = clean_text(request.GET.get("title", "").replace("\ufffd", " "))[:150]
    try:
        exclude = int(request.GET.get("exclude", ""))
    except ValueError:
        exclude = None
    if exclude is not None and not 0 < exclude <= forms.MAX_ID:
        exclude = None
    results = selectors.similar_proposals(
        process, title, limit=forms.similar_limit(), exclude_id=exclude
    )
    wants_json = request.GET.get("format") == "json" or (
        "application/json" in request.headers.get("Accept", "")
    )
    if wants_json:
        return JsonResponse(
            {
                "results": [
                    {
                        "id": p.pk,
                        "title": p.title,
                        "url": p.get_absolute_url(),
                        "support_count": p.support_count,
                    }
                    for p in results
                ]
            }
        )
    return render(request, "proposals/_similar.html", {"similar": results})


@require_GET
def proposal_map_points(request: HttpRequest, slug: str) -> HttpResponse:
    """The process's proposals that have a point, as GeoJSON, for the map beside
    the list (``static/js/map.js``); the list itself never needs it. Rendered once
    per process and language for ``MAP_POINTS_CACHE_SECONDS`` (up to
    ``MAP_POINTS_MAX`` points, some 400 KB): a hit costs one query (the process,
    whose visibility is checked on every request), a miss two."""
    process = Process.objects.public().filter(slug=slug).first()
    if process is None:
        raise Http404
    seconds = int(settings.MAP_POINTS_CACHE_SECONDS)
    # Keyed by the process's page version too: a proposal hidden, moved or given
    # a point leaves the map as soon as it leaves the cached list.
    version = pagecache.version_of(pagecache.scope("process", process.slug))
    key = f"proposals:map-points:{process.pk}:{get_language()}:{version}"
    payload = cache.get(key) if seconds and version else None
    if payload is None:
        payload = _map_points_geojson(process)
        if seconds and version:
            cache.set(key, payload, seconds)
    response = HttpResponse(payload, content_type="application/json")
    response["Cache-Control"] = f"public, max-age={seconds}"
    return response


def _map_points_geojson(process: Process) -> bytes:
    labels: dict[int, str] = {}

    def supports(n: int) -> str:
        if n not in labels:
            labels[n] = ngettext("%(n)s support", "%(n)s supports", n) % {"n": n}
        return labels[n]

    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(row["longitude"]), float(row["latitude"])],
            },
            "properties": {
                "id": row["id"],
                "title": row["title"],
                "url": reverse("proposals:detail", args=[row["id"]]),
                "supports": row["support_count"],
                "supports_label": supports(row["support_count"]),
            },
        }
        for row in selectors.map_points(process)
    ]
    # UTF-8 as it is, not escaped: Japanese titles take half the bytes.
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


# --- create, edit, withdraw ---------------------------------------------------


def _similar_for(form: forms.ProposalForm, process: Process, **kwargs: Any) -> list:
    """Similar proposals for a form sent back with errors (no JavaScript needed)."""
    title = form.data.get("title", "") if form.is_bound else ""
    if not title:
        return []
    title = clean_text(title.replace("\ufffd", " "))[:150]
    return selectors.similar_proposals(
        process, title, limit=forms.similar_limit(), **kwargs
    )


@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process_or_404(slug)
    if not request.user.is_authenticated:
        return _login(reverse("proposals:create", args=[process.slug]))
    if request.method == "GET":
        refusal = rules.proposal_create_refusal(request.user, process)
        if refusal is not None:
            return _refused(
                request,
                refusal,
                back=process.get_absolute_url(),
                back_label=_("Back to the process"),
            )
    previewing = request.method == "POST" and "preview" in request.POST
    form = forms.ProposalForm(
        request.POST or None,
        request.FILES or None,
        process=process,
        preview=previewing,
    )
    status = 200
    error: DomainError | None = None
    preview_html = None
    if previewing:
        preview_html, error = _preview(request, form)
        if error is not None:
            status = error.status
    elif request.method == "POST":
        if form.is_valid():
            try:
                proposal = services.proposal_create(
                    idempotency_key=idempotency.key_from(request),
                    author=request.user,
                    process=process,
                    **form.service_kwargs(),
                )
            except DomainError as exc:
                error = exc
                status = doors.form_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your proposal is published. You follow it and will be "
                        "told about comments and responses."
                    ),
                )
                return redirect(proposal)
        else:
            status = 400
    response = render(
        request,
        "proposals/form.html",
        {
            "process": process,
            "form": form,
            "similar": _similar_for(form, process),
            "editing": None,
            "preview_html": preview_html,
            "photos_dropped": request.method == "POST" and form.has_photo_uploads,
        },
        status=status,
    )
    return doors.with_retry_after(response, error) if error else response


def _preview(
    request: HttpRequest, form: forms.ProposalForm
) -> tuple[str | None, DomainError | None]:
    """The "Preview" button without JavaScript: the form comes back with the text
    as it will be shown; nothing is stored."""
    form.is_valid()  # show what would be refused, too
    try:
        html = services.proposal_preview(
            user=request.user, body=str(form.data.get("body", ""))
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return None, exc
    return html, None


@require_POST
def proposal_preview(request: HttpRequest) -> HttpResponse:
    """The form's live preview: the text as it will be shown, rendered by the one
    sanitizer (``participation.text``), as an HTML fragment. CSRF-checked (a POST
    like any other) and rate-limited per person."""
    try:
        html = services.proposal_preview(
            user=request.user, body=request.POST.get("body", "")
        )
    except DomainError as exc:
        response = HttpResponse(str(exc.message), status=exc.status)
        response["Content-Type"] = "text/plain; charset=utf-8"
        return doors.with_retry_after(response, exc)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk, request.user)
    if not request.user.is_authenticated:
        return _login(reverse("proposals:edit", args=[proposal.pk]))
    refusal = rules.proposal_edit_refusal(request.user, proposal)
    # Someone else's proposal: refuse outright. The author whose proposal got locked
    # while typing sees the form again with the reason, text kept.
    if refusal is not None and (
        request.method == "GET" or proposal.author_id != request.user.pk
    ):
        return _refused(request, refusal, back=proposal.get_absolute_url())
    process = _process_or_404(proposal.process.slug)
    initial = {
        "title": proposal.title,
        "body": proposal.body,
        "category": proposal.category_id,
        "area": proposal.area_id,
        "location_text": proposal.location_text,
        "latitude": proposal.latitude,
        "longitude": proposal.longitude,
    }
    previewing = request.method == "POST" and "preview" in request.POST
    form = forms.ProposalForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        process=process,
        existing_images=selectors.images_of(proposal),
        preview=previewing,
    )
    status = 200
    preview_html = None
    if previewing:
        preview_html, error = _preview(request, form)
        if error is not None:
            status = error.status
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_edit(
                    actor=request.user, proposal=proposal, **form.edit_kwargs()
                )
            except DomainError as exc:
                status = doors.form_error(form, exc)
            else:
                messages.success(request, _("Your changes were saved."))
                return redirect(proposal)
        else:
            status = 400
    return render(
        request,
        "proposals/form.html",
        {
            "process": process,
            "form": form,
            "similar": _similar_for(form, process, exclude_id=proposal.pk),
            "editing": proposal,
            "preview_html": preview_html,
            "photos_dropped": request.method == "POST" and form.has_photo_uploads,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk, request.user)
    if not request.user.is_authenticated:
        return _login(reverse("proposals:withdraw", args=[proposal.pk]))
    if request.method == "GET":
        refusal = rules.proposal_withdraw_refusal(request.user, proposal)
        if refusal is not None:
            return _refused(request, refusal, back=proposal.get_absolute_url())
        return render(request, "proposals/withdraw.html", {"proposal": proposal})
    try:
        services.proposal_withdraw(actor=request.user, proposal=proposal)
    except DomainError as exc:
        return doors.button_error(request, exc, back=proposal.get_absolute_url())
    messages.success(
        request,
        _(
            "Your proposal was withdrawn. It stays visible, marked as withdrawn, "
            "and no longer collects supports or comments."
        ),
    )
    return redirect(proposal)


# --- the proposal page ----------------------------------------------------------


def _thread(
    request: HttpRequest, proposal: Proposal, *, reply_to: Comment | None = None
) -> tuple[str, selectors.ThreadPage]:
    """The page of the thread asked for: ``?cpage=N``, or the page holding
    ``?comment=ID`` (links from notifications and e-mails) or the comment replied
    to; in the order ``?comments=``."""
    order = forms.comment_order(request.GET.get("comments"))
    anchor = (
        reply_to.pk if reply_to else forms.comment_anchor(request.GET.get("comment"))
    )
    also: tuple[int, ...] = ()
    if anchor is not None:
        # The page holding the comment's thread, with the comment (and its parent)
        # loaded even when it is far down a long run of replies.
        found = selectors.thread_anchor(proposal, anchor, order=order)
        number, also = found.number, found.also
    else:
        number = forms.thread_page_number(request.GET.get("cpage"))
    return order, selectors.thread_page(
        proposal, request.user, order=order, number=number, also=also
    )


def _detail_context(
    request: HttpRequest,
    proposal: Proposal,
    *,
    comment_form: forms.CommentForm | None = None,
    reply_to: Comment | None = None,
) -> dict[str, Any]:
    user = request.user
    order, thread = _thread(request, proposal, reply_to=reply_to)
    caps = rules.thread_capabilities(user, proposal)
    can_view_hidden = caps.can_view_hidden
    is_author = user.is_authenticated and proposal.author_id == user.pk
    support_refusal = rules.support_refusal(user, proposal)
    comment_refusal = rules.comment_refusal(user, proposal)
    threshold = proposal.process.support_threshold
    return {
        "proposal": proposal,
        "process": proposal.process,
        "comments": thread.nodes,
        "thread": thread,
        "caps": caps,
        "alignment_counts": selectors.alignment_totals(proposal)
        if thread.nodes
        else {},
        "comment_order": order,
        "comment_orders": [
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("best", _("Best rated")),
        ],
        "comment_form": comment_form
        or forms.CommentForm(
            initial={"alignment": "neutral", "parent": reply_to and reply_to.pk}
        ),
        "reply_to": reply_to,
        "max_depth": settings.COMMENT_MAX_DEPTH,
        "is_author": is_author,
        "can_view_hidden": can_view_hidden,
        "show_body": rules.shows_content(user, proposal),
        "images": selectors.images_of(proposal)
        if rules.shows_content(user, proposal)
        else [],
        "supported": selectors.has_supported(user, proposal),
        "following": notifications.is_following(user=user, target=proposal),
        "support_refusal": support_refusal,
        "comment_refusal": comment_refusal,
        "edit_refusal": rules.proposal_edit_refusal(user, proposal)
        if is_author
        else None,
        "can_withdraw": rules.proposal_withdraw_refusal(user, proposal) is None,
        "threshold": threshold,
        "threshold_percent": min(100, proposal.support_count * 100 // threshold)
        if threshold
        else 100,
        "supports_open": bool(
            proposal.process.current_phase
            and proposal.process.current_phase.allows_supporting
        ),
    }


@require_GET
@pagecache.cached(lambda pk: [pagecache.scope("proposal", pk)])
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal page; ``?reply=ID`` makes its comment form a reply to that
    comment (each comment's "Reply" link, without JavaScript)."""
    proposal = _proposal_or_404(pk, request.user)
    return render(
        request,
        "proposals/detail.html",
        _detail_context(request, proposal, reply_to=_reply_target(request, proposal)),
    )


def _reply_target(request: HttpRequest, proposal: Proposal) -> Comment | None:
    """The comment ``?reply=`` names, when it can take a reply; otherwise None,
    with a message saying why when a link named one that cannot."""
    pk = forms.comment_anchor(request.GET.get("reply"))
    if pk is None or not request.user.is_authenticated:
        return None
    parent = Comment.objects.filter(pk=pk).select_related("author").first()
    refusal = (
        rules.reply_refusal(proposal, parent)
        if parent is not None
        else Invalid(_("The comment you are replying to does not exist any more."))
    )
    if refusal is not None:
        messages.info(request, str(refusal))
        return None
    return parent


@require_POST
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    """Support or withdraw one's support (``action`` = add or remove; without it,
    toggle). Repeating an action changes nothing and says so."""
    proposal = _proposal_or_404(pk, request.user)
    back = _anchor(proposal.get_absolute_url(), "support")
    if not request.user.is_authenticated:
        return _login(proposal.get_absolute_url())
    action = request.POST.get("action") or (
        "remove" if selectors.has_supported(request.user, proposal) else "add"
    )
    if action not in ("add", "remove"):
        messages.error(request, _("That action is not understood."))
        return redirect(back)
    try:
        if action == "add":
            changed = services.support_add(user=request.user, proposal=proposal)
            text = (
                _("Thank you: you now support this proposal.")
                if changed
                else _("You already support this proposal.")
            )
        else:
            changed = services.support_remove(user=request.user, proposal=proposal)
            text = (
                _("You no longer support this proposal.")
                if changed
                else _("You were not supporting this proposal.")
            )
    except DomainError as exc:
        return doors.button_error(request, exc, back=back)
    (messages.success if changed else messages.info)(request, text)
    return redirect(back)


@require_POST
def proposal_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow or unfollow (``action`` = follow or unfollow; without it, toggle)."""
    proposal = _proposal_or_404(pk, request.user)
    back = _anchor(proposal.get_absolute_url(), "follow")
    if not request.user.is_authenticated:
        return _login(proposal.get_absolute_url())
    action = request.POST.get("action") or (
        "unfollow"
        if notifications.is_following(user=request.user, target=proposal)
        else "follow"
    )
    if action not in ("follow", "unfollow"):
        messages.error(request, _("That action is not understood."))
        return redirect(back)
    try:
        if action == "follow":
            services.proposal_follow(user=request.user, proposal=proposal)
            text = _("You follow this proposal: you will be told about its news.")
        else:
            services.proposal_unfollow(user=request.user, proposal=proposal)
            text = _("You no longer follow this proposal.")
    except DomainError as exc:
        return doors.button_error(request, exc, back=back)
    messages.success(request, text)
    return redirect(back)


@require_GET
def proposal_image(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    """One photo of a proposal, where the proposal's text may be seen: a hidden
    proposal's photos answer 404 (to all but its author and moderators), as do
    those of a draft process. Sent by the app, or by nginx when
    ``MEDIA_ACCEL_REDIRECT`` names its internal location (deploy/README.md,
    "Uploaded photos"); never from a public media folder."""
    return _image_response(request, pk, image_pk, small=False)


@require_GET
def proposal_image_small(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    """The small rendition of a photo (the lists' cards), drawn once when it was
    stored: the same query, checks and headers as the photo itself. A photo whose
    rendition is not drawn yet (``make_photo_renditions``) answers with the photo."""
    return _image_response(request, pk, image_pk, small=True)


def _image_response(
    request: HttpRequest, pk: int, image_pk: int, *, small: bool
) -> HttpResponse:
    if pk > forms.MAX_ID or image_pk > forms.MAX_ID:
        raise Http404
    try:
        image = selectors.image_for_page(pk, image_pk)
    except ProposalImage.DoesNotExist as exc:
        raise Http404 from exc
    proposal = image.proposal
    if not fragments.proposal_visible_to(proposal, request.user) or not (
        rules.shows_content(request.user, proposal)
    ):
        raise Http404
    public = not proposal.is_hidden and proposal.process.is_public
    if small and image.has_small:
        stored, content_type = image.small_file, content_type_of(image.small_file.name)
    else:
        stored, content_type = image.file, image.content_type
    accel = settings.MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + stored.name
    else:
        try:
            with stored.open("rb") as handle:
                content = handle.read()
        except OSError as exc:  # the row outlived its file (restored backup)
            raise Http404 from exc
        # The bytes are in memory: give the pooled connection back before a slow
        # client reads them.
        dbpool.release_connections()
        response = HttpResponse(content, content_type=content_type)
        response["Content-Length"] = str(len(content))
    extension = EXTENSIONS.get(content_type, "bin")
    which = "small" if small else "photo"
    response["Content-Disposition"] = (
        f'inline; filename="proposal-{proposal.pk}-{which}-{image.pk}.{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the file is an image and nothing else: no scripts, no
    # styles, no frames, whatever a browser might make of its bytes.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Short: a proposal hidden by a moderator must stop showing its photos soon
    # in shared caches too; moderators' and authors' views of hidden ones stay private.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


# --- comments -------------------------------------------------------------------


@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new comment, or a reply when ``parent`` is given."""
    proposal = _proposal_or_404(pk, request.user)
    if not request.user.is_authenticated:
        return _login(_anchor(proposal.get_absolute_url(), "comment-form"))
    form = forms.CommentForm(request.POST)
    status = 400
    error: DomainError | None = None
    parent: Comment | None = None
    if form.is_valid():
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = Comment.objects.filter(pk=parent_id, proposal=proposal).first()
        if parent_id and parent is None:
            form.add_error(
                None, _("The comment you are replying to does not exist any more.")
            )
        else:
            try:
                comment = services.comment_create(
                    idempotency_key=idempotency.key_from(request),
                    author=request.user,
                    proposal=proposal,
                    body=form.cleaned_data["body"],
                    alignment=form.cleaned_data["alignment"],
                    parent=parent,
                )
            except DomainError as exc:
                error = exc
                status = doors.form_error(form, exc)
            else:
                messages.success(request, _("Your comment was posted."))
                return redirect(comment.get_absolute_url())
    context = _detail_context(request, proposal, comment_form=form, reply_to=parent)
    response = render(request, "proposals/detail.html", context, status=status)
    return doors.with_retry_after(response, error) if error else response


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(pk, request.user)
    proposal = comment.proposal
    if not request.user.is_authenticated:
        return _login(reverse("proposals:comment_edit", args=[comment.pk]))
    refusal = rules.comment_edit_refusal(request.user, comment)
    if refusal is not None and (
        request.method == "GET" or comment.author_id != request.user.pk
    ):
        return _refused(request, refusal, back=comment.get_absolute_url())
    form = forms.CommentEditForm(
        request.POST or None,
        initial={"body": comment.body, "alignment": comment.alignment},
        auto_id="id_edit_%s",
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_edit(
                    actor=request.user,
                    comment=comment,
                    body=form.cleaned_data["body"],
                    alignment=form.cleaned_data["alignment"],
                )
            except DomainError as exc:
                status = doors.form_error(form, exc)
            else:
                messages.success(request, _("Your comment was updated."))
                return redirect(comment.get_absolute_url())
        else:
            status = 400
    return render(
        request,
        "proposals/comment_edit.html",
        {"comment": comment, "proposal": proposal, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(pk, request.user)
    if not request.user.is_authenticated:
        return _login(comment.get_absolute_url())
    if request.method == "GET":
        refusal = rules.comment_delete_refusal(request.user, comment)
        if refusal is not None:
            return _refused(request, refusal, back=comment.get_absolute_url())
        return render(
            request,
            "proposals/comment_delete.html",
            {"comment": comment, "proposal": comment.proposal},
        )
    try:
        services.comment_delete(actor=request.user, comment=comment)
    except DomainError as exc:
        return doors.button_error(request, exc, back=comment.get_absolute_url())
    messages.success(
        request,
        _("Your comment was deleted. Replies to it stay, under a placeholder."),
    )
    return redirect(comment.get_absolute_url())


@require_POST
def comment_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Vote a comment up or down; the same vote again takes it back."""
    comment = _comment_or_404(pk, request.user)
    back = comment.get_absolute_url()
    if not request.user.is_authenticated:
        return _login(back)
    value = forms.vote_value(request.POST.get("value"))
    if value is None:
        messages.error(request, _("A vote is either up or down."))
        return redirect(back)
    try:
        services.comment_vote(user=request.user, comment=comment, value=value)
    except DomainError as exc:
        return doors.button_error(request, exc, back=back)
    return redirect(back)


@never_cache
@require_GET
def comment_fragment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """One comment (without its replies) as the signed-in viewer sees it on the
    proposal page (their vote, reply form, tools, hidden text if allowed). The live
    layer pushes the public version and the browser fetches this one (at
    ``/live/fragments/comments/<id>/``, the address the live script has always
    used)."""
    if comment_id > MAX_ID:  # beyond the database's integers: no such comment
        raise Http404
    loaded = fragments.comment_subtree(comment_id, request.user)
    if loaded is None:
        raise Http404
    proposal, node = loaded
    if not fragments.proposal_visible_to(proposal, request.user):
        raise Http404
    caps = rules.thread_capabilities(request.user, proposal)
    response = render(
        request,
        "proposals/_comment.html",
        {"node": node, "proposal": proposal, "caps": caps},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def comment_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One page of a proposal's thread (``?comments=`` order, ``?cpage=`` number) as
    a fragment: its comments and the link to the next page. The "More comments"
    link of the proposal page loads it in place; without JavaScript, the same link
    opens the proposal page at that page of the thread."""
    proposal = _proposal_or_404(pk, request.user)
    order, thread = _thread(request, proposal)
    context = {
        "proposal": proposal,
        "thread": thread,
        "comments": thread.nodes,
        "comment_order": order,
        "caps": rules.thread_capabilities(request.user, proposal),
    }
    response = render(request, "proposals/_thread_page.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _replies(
    request: HttpRequest, pk: int
) -> tuple[Proposal, selectors.ReplyBatch] | HttpResponse:
    """The page of replies below comment ``pk`` after ``?after=`` (a reply's id:
    the cursor of "Show N more replies"), or the refusal to answer with."""
    if pk > MAX_ID:
        raise Http404
    comment = selectors.comment_with_proposal(pk)
    if comment is None or comment.depth + 1 >= settings.COMMENT_MAX_DEPTH:
        raise Http404
    proposal = comment.proposal
    _check_visible(proposal, request.user)
    try:
        after = forms.reply_cursor(request.GET.get("after"))
        batch = selectors.replies_after(
            comment, request.user, after=after, proposal=proposal
        )
    except (ValueError, selectors.InvalidCursor):
        return _refused(
            request,
            Invalid(
                _(
                    "This link to more replies is not valid. Open the comment "
                    "again to see its replies."
                )
            ),
            back=comment.get_absolute_url(),
            back_label=_("Back to the comment"),
        )
    return proposal, batch


@require_GET
def comment_replies(request: HttpRequest, pk: int) -> HttpResponse:
    """The next replies below a comment as a page of their own: where "Show N
    more replies" leads without JavaScript (the comment, then the replies after
    the cursor, and the link to the ones after them)."""
    loaded = _replies(request, pk)
    if isinstance(loaded, HttpResponse):
        return loaded
    proposal, batch = loaded
    context = {
        "proposal": proposal,
        "batch": batch,
        "node": batch.node,
        "caps": rules.thread_capabilities(request.user, proposal),
        "standalone": True,
    }
    response = render(request, "proposals/replies.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def comment_replies_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The same replies as a fragment: ``proposals.js`` puts each under its parent
    on the proposal page and replaces the "Show N more replies" link."""
    loaded = _replies(request, pk)
    if isinstance(loaded, HttpResponse):
        return loaded
    proposal, batch = loaded
    context = {
        "proposal": proposal,
        "batch": batch,
        "caps": rules.thread_capabilities(request.user, proposal),
    }
    response = render(request, "proposals/_replies_page.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
