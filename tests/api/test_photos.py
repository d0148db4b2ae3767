"""Photos through the API's writes: one photo per multipart request to a proposal
its author may still edit, through the same pipeline, limits and service as the
proposal form; removing one; every refusal with its code and status."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from PIL import Image

from proposals.models import ProposalImage, Support
from tests import factories
from tests.api.conftest import body
from tests.proposals.test_photos import (
    GPS_IFD,
    gif,
    jpeg_with_gps,
    png,
    png_header_only,
    stored_files,
    upload,
    with_photos,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ACCEL_REDIRECT = ""


def _url(proposal):
    return f"/api/v1/proposals/{proposal.pk}/photos/"


def _send(client, proposal, content=None, alt="公園の入口の壊れたベンチ", **headers):
    data = {"file": upload(jpeg_with_gps() if content is None else content)}
    if alt is not None:
        data["alt_text"] = alt
    return client.post(_url(proposal), data, format="multipart", **headers)


# -- success -----------------------------------------------------------------------


def test_author_adds_a_photo_with_201_and_its_addresses(token_client, proposal):
    response = _send(token_client(proposal.author), proposal)
    assert response.status_code == 201
    data = body(response)
    image = ProposalImage.objects.get()
    assert data["id"] == image.pk
    assert data["alt_text"] == "公園の入口の壊れたベンチ"
    assert data["url"].endswith(image.get_absolute_url())
    assert data["small_url"].endswith(image.get_small_url())
    assert response["Location"] == data["url"]


def test_stored_photo_from_the_api_has_no_exif_or_gps(token_client, proposal):
    _send(token_client(proposal.author), proposal)
    image = ProposalImage.objects.get()
    with default_storage.open(image.file.name, "rb") as handle:
        content = handle.read()
    stored = Image.open(io.BytesIO(content))
    assert dict(stored.getexif()) == {}
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in content and b"secret comment" not in content


def test_photo_from_the_api_gets_its_small_rendition(settings, token_client, proposal):
    _send(token_client(proposal.author), proposal)
    image = ProposalImage.objects.get()
    assert image.has_small
    assert max(image.small_width, image.small_height) == settings.IMAGE_SMALL_SIDE


def test_photos_added_one_by_one_keep_their_order(token_client, proposal):
    client = token_client(proposal.author)
    for alt in ("一枚目", "二枚目"):
        assert _send(client, proposal, content=png(), alt=alt).status_code == 201
    data = body(client.get(f"/api/v1/proposals/{proposal.pk}/"))
    assert [i["alt_text"] for i in data["images"]] == ["一枚目", "二枚目"]


# -- refusals of the photo ------------------------------------------------------------


def test_photo_without_description_is_400_and_nothing_stored(token_client, proposal):
    response = _send(token_client(proposal.author), proposal, alt="  ")
    assert response.status_code == 400
    assert body(response)["code"] == "alt_text_required"
    assert stored_files() == []


def test_request_without_a_file_is_400(token_client, proposal):
    client = token_client(proposal.author)
    response = client.post(_url(proposal), {"alt_text": "説明"}, format="multipart")
    assert response.status_code == 400
    assert "file" in body(response)["field_errors"]


def test_gif_is_415_image_unreadable(token_client, proposal):
    response = _send(token_client(proposal.author), proposal, content=gif())
    assert response.status_code == 415
    assert body(response)["code"] == "image_unreadable"
    assert not ProposalImage.objects.exists()


def test_what_is_not_an_image_is_415(token_client, proposal):
    response = _send(
        token_client(proposal.author), proposal, content=b"<script>x</script>" * 40
    )
    assert response.status_code == 415
    assert body(response)["field_errors"] == {"file": [body(response)["message"]]}


def test_refusal_is_translated(token_client, proposal):
    response = _send(
        token_client(proposal.author),
        proposal,
        content=gif(),
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert "写真として読み込めません" in body(response)["message"]


def test_photo_over_the_byte_limit_is_413_image_too_large(
    settings, token_client, proposal
):
    content = jpeg_with_gps()
    settings.IMAGE_MAX_BYTES = len(content) - 1
    response = _send(token_client(proposal.author), proposal, content=content)
    assert response.status_code == 413
    assert body(response)["code"] == "image_too_large"
    assert stored_files() == []


def test_body_far_over_the_limit_is_413_before_it_is_read(
    settings, token_client, proposal
):
    settings.IMAGE_MAX_BYTES = 1_000
    content = jpeg_with_gps()
    response = _send(
        token_client(proposal.author), proposal, content=content + b"\0" * 70_000
    )
    assert response.status_code == 413
    assert body(response)["code"] == "too_large"


def test_too_many_pixels_is_400(settings, token_client, proposal):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = _send(
        token_client(proposal.author), proposal, content=png_header_only(2000, 1000)
    )
    assert response.status_code == 400
    assert body(response)["code"] == "image_too_many_pixels"


def test_decompression_bomb_is_400(settings, token_client, proposal):
    settings.IMAGE_MAX_PIXELS = 10**12  # let Pillow's own bomb check speak
    response = _send(
        token_client(proposal.author),
        proposal,
        content=png_header_only(100_000, 100_000),
    )
    assert response.status_code == 400
    assert body(response)["code"] == "image_bomb"


def test_sixth_photo_is_400_too_many_images(token_client, proposal):
    with_photos(proposal, 5)
    response = _send(token_client(proposal.author), proposal, content=png())
    assert response.status_code == 400
    assert body(response)["code"] == "too_many_images"
    assert proposal.images.count() == 5


def test_json_body_is_415_asking_for_multipart(token_client, proposal):
    client = token_client(proposal.author)
    response = client.post(_url(proposal), {"alt_text": "説明"}, format="json")
    assert response.status_code == 415
    assert "multipart/form-data" in body(response)["message"]


# -- who may add, and when -----------------------------------------------------------


def test_anonymous_upload_is_401(api, proposal):
    assert _send(api, proposal).status_code == 401
    assert not ProposalImage.objects.exists()


def test_read_only_token_cannot_add_a_photo(token_client, proposal):
    response = _send(token_client(proposal.author, ["read"]), proposal)
    assert response.status_code == 403
    assert body(response)["code"] == "insufficient_scope"


def test_someone_else_cannot_add_a_photo(token_client, proposal, resident2):
    response = _send(token_client(resident2), proposal)
    assert response.status_code == 403
    assert not ProposalImage.objects.exists()


def test_no_photo_once_the_proposal_has_a_support(token_client, proposal, resident2):
    Support.objects.create(proposal=proposal, user=resident2)
    proposal.support_count = 1
    proposal.save(update_fields=["support_count"])
    response = _send(token_client(proposal.author), proposal)
    assert response.status_code == 403
    assert body(response)["code"] == "locked"
    assert stored_files() == []


def test_unknown_proposal_is_404(token_client, resident):
    response = token_client(resident).post(
        "/api/v1/proposals/999999/photos/",
        {"file": upload(png()), "alt_text": "説明"},
        format="multipart",
    )
    assert response.status_code == 404


# -- double submits and limits --------------------------------------------------------


def test_same_idempotency_key_adds_the_photo_once(token_client, proposal):
    client = token_client(proposal.author)
    first = _send(client, proposal, HTTP_IDEMPOTENCY_KEY="photo-1")
    again = _send(client, proposal, HTTP_IDEMPOTENCY_KEY="photo-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert body(again)["id"] == body(first)["id"]
    assert ProposalImage.objects.count() == 1


def test_same_key_with_another_photo_is_409(token_client, proposal):
    client = token_client(proposal.author)
    _send(client, proposal, HTTP_IDEMPOTENCY_KEY="photo-2")
    other = _send(client, proposal, alt="別の写真", HTTP_IDEMPOTENCY_KEY="photo-2")
    assert other.status_code == 409
    assert body(other)["code"] == "idempotency_key_reused"


def test_the_same_photo_sent_twice_without_key_is_409(token_client, proposal):
    client = token_client(proposal.author)
    assert _send(client, proposal).status_code == 201
    again = _send(client, proposal)
    assert again.status_code == 409
    assert body(again)["code"] == "duplicate"
    assert ProposalImage.objects.count() == 1


@override_settings(RATE_LIMITS={"photo": "1/3600"})
def test_photo_uploads_are_rate_limited(token_client, proposal):
    client = token_client(proposal.author)
    assert _send(client, proposal, content=png(), alt="一枚目").status_code == 201
    response = _send(client, proposal, content=png(), alt="二枚目")
    assert response.status_code == 429
    assert body(response)["code"] == "rate_limited"
    assert "Retry-After" in response


# -- removing a photo -----------------------------------------------------------------


def _delete_url(proposal, image):
    return f"/api/v1/proposals/{proposal.pk}/photos/{image.pk}/"


def test_author_removes_a_photo_and_its_files(
    token_client, proposal, django_capture_on_commit_callbacks
):
    with_photos(proposal, 2)
    first = proposal.images.first()
    names = [first.file.name, first.small_file.name]
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(proposal.author).delete(_delete_url(proposal, first))
    assert response.status_code == 200
    assert [i["id"] for i in body(response)["images"]] == [proposal.images.get().pk]
    assert not any(default_storage.exists(name) for name in names)


def test_someone_else_cannot_remove_a_photo(token_client, proposal, resident2):
    with_photos(proposal, 1)
    image = proposal.images.get()
    response = token_client(resident2).delete(_delete_url(proposal, image))
    assert response.status_code == 403
    assert proposal.images.count() == 1


def test_photo_cannot_be_removed_once_supported(token_client, proposal, resident2):
    with_photos(proposal, 1)
    Support.objects.create(proposal=proposal, user=resident2)
    proposal.support_count = 1
    proposal.save(update_fields=["support_count"])
    response = token_client(proposal.author).delete(
        _delete_url(proposal, proposal.images.get())
    )
    assert response.status_code == 403
    assert body(response)["code"] == "locked"


def test_removing_another_proposals_photo_is_404(token_client, proposal):
    other = factories.ProposalFactory(process=proposal.process, author=proposal.author)
    with_photos(other, 1)
    response = token_client(proposal.author).delete(
        _delete_url(proposal, other.images.get())
    )
    assert response.status_code == 404
    assert other.images.count() == 1


def test_removing_a_photo_number_too_large_for_the_database_is_404(
    token_client, proposal
):
    response = token_client(proposal.author).delete(
        f"/api/v1/proposals/{proposal.pk}/photos/{2**70}/"
    )
    assert response.status_code == 404


def test_photo_larger_than_the_json_body_limit_is_accepted(
    settings, token_client, proposal
):
    content = jpeg_with_gps()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(content) // 4  # JSON bodies' limit
    response = _send(token_client(proposal.author), proposal, content=content)
    assert response.status_code == 201
