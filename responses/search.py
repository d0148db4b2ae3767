"""Comments on responses as a search source (registered in ``apps.ready``).

A comment is found like a comment on a proposal: while it is neither hidden nor
deleted and the proposal it was written from is public (its moderation follows that
proposal's process). Its hit links to the comment on the response's page.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from participation.search import sources

RESPONSE_COMMENT = 5

KIND = sources.Kind(
    RESPONSE_COMMENT,
    "response_comment",
    _("Comment on a response"),
    _("Comments on responses"),
    _("Comment on the response to “%(title)s”"),
)


def show(ids: list[int]) -> dict[int, sources.Shown]:
    """One query for a page of hits."""
    from responses.models import ResponseComment

    comments = (
        ResponseComment.objects.shown()
        .select_related("author", "response")
        .in_bulk(ids)
    )
    return {
        pk: sources.Shown(
            url=comment.get_absolute_url(),
            text=comment.body,
            author_name=comment.author.real_name,
        )
        for pk, comment in comments.items()
    }


SOURCE = sources.text_on_proposal(
    name="response_comment",
    table="responses_responsecomment",
    kind=KIND,
    show=show,
)


def register() -> None:
    sources.register(SOURCE)
