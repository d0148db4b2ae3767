"""Meetings became their own app without changing a table or a content type."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from meetings.models import LiveSession, Opinion, ProposalDraft, SessionTheme
from participation.live.models import LiveEvent


def test_meetings_keep_the_label_and_tables_they_were_created_under():
    assert apps.get_app_config("live").name == "meetings"
    assert [m._meta.db_table for m in (LiveSession, SessionTheme, Opinion)] == [
        "live_livesession",
        "live_sessiontheme",
        "live_opinion",
    ]
    assert ProposalDraft._meta.db_table == "live_proposaldraft"


def test_the_event_log_keeps_its_table_under_the_transport():
    assert LiveEvent._meta.app_label == "live_transport"
    assert LiveEvent._meta.db_table == "live_liveevent"


def test_reports_of_opinions_keep_pointing_at_the_same_content_type(db):
    # Reports and moderation actions refer to content by content type: an opinion's
    # content type must still be the one written under the label "live".
    content_type = ContentType.objects.get_for_model(Opinion)
    assert (content_type.app_label, content_type.model) == ("live", "opinion")
