"""Photos on proposals: the pipeline (metadata gone, limits, bombs, bad files), the
form and the service (five at most, a description each), where they are served
(hidden proposals answer 404), and what the pages, API and open data show."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from participation import images
from participation.errors import Invalid, NotAllowed
from participation.moderation import services as moderation
from participation.moderation.models import ReportReason
from portal.opendata import datasets
from proposals import services
from proposals.models import Proposal, ProposalImage
from tests import factories
from tests.proposals.conftest import valid_proposal_data

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
GPS_LATITUDE = 2


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ACCEL_REDIRECT = ""


# --- files made here with Pillow ------------------------------------------------------


def jpeg_with_gps(size=(2400, 1800), orientation=None) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera app 1.0"  # Software
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[GPS_LATITUDE] = (35.0, 41.0, 22.2)
    gps[3] = "E"
    gps[4] = (139.0, 41.0, 30.1)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def png(size=(64, 48), alpha=False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", size, (10, 200, 30, 120))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def webp(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(out, format="WEBP")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="GIF")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels: what a
    decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def new_image(alt="駅前の壊れたベンチ"):
    content, width, height, content_type = images.reencode(upload(png()))
    return services.NewImage(
        content=content,
        width=width,
        height=height,
        content_type=content_type,
        alt_text=alt,
    )


def with_photos(proposal, n):
    return services.proposal_edit(
        actor=proposal.author,
        proposal=proposal,
        title=proposal.title,
        body=proposal.body,
        images=[new_image(f"写真 {i}") for i in range(n)],
    )


def stored_files():
    try:
        _dirs, _files = default_storage.listdir("proposals")
    except FileNotFoundError:
        return []
    found = []
    for folder in _dirs:
        found += default_storage.listdir(f"proposals/{folder}")[1]
    return found


def post_proposal(client, process, **files):
    data = valid_proposal_data(**files)
    return client.post(reverse("proposals:create", args=[process.slug]), data)


# --- the pipeline ---------------------------------------------------------------------


def test_reencode_drops_exif_and_gps_from_a_phone_photo():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    content, width, height, content_type = images.reencode(upload(original))
    clean = Image.open(io.BytesIO(content))
    assert content_type == "image/jpeg"
    assert clean.format == "JPEG"
    assert dict(clean.getexif()) == {}
    assert b"Exif" not in content
    assert b"PhoneMaker" not in content
    assert b"secret comment" not in content
    assert (width, height) == clean.size


def test_reencode_scales_down_to_the_largest_side(settings):
    settings.IMAGE_MAX_SIDE = 800
    _content, width, height, _type = images.reencode(upload(jpeg_with_gps()))
    assert (width, height) == (800, 600)


def test_reencode_turns_the_photo_upright_from_its_orientation():
    # Orientation 6: the camera was turned; shown upright the photo is portrait.
    _content, width, height, _type = images.reencode(
        upload(jpeg_with_gps(size=(1200, 900), orientation=6))
    )
    assert height > width


def test_reencode_keeps_transparency_as_png():
    content, _w, _h, content_type = images.reencode(upload(png(alpha=True), "a.png"))
    assert content_type == "image/png"
    assert Image.open(io.BytesIO(content)).mode == "RGBA"


def test_reencode_turns_an_opaque_png_into_jpeg():
    _content, _w, _h, content_type = images.reencode(upload(png(), "a.png"))
    assert content_type == "image/jpeg"


def test_reencode_accepts_webp():
    _content, width, height, content_type = images.reencode(upload(webp(), "a.webp"))
    assert (width, height, content_type) == (64, 48, "image/jpeg")


def test_reencode_accepts_heic_from_phones():
    pillow_heif = pytest.importorskip("pillow_heif")
    out = io.BytesIO()
    try:
        Image.new("RGB", (80, 60), (90, 90, 200)).save(out, format="HEIF")
    except (KeyError, OSError, ValueError):
        pytest.skip("this libheif build has no HEVC encoder")
    assert pillow_heif is not None
    _content, width, height, content_type = images.reencode(
        upload(out.getvalue(), "IMG_0001.HEIC", "image/heic")
    )
    assert (width, height, content_type) == (80, 60, "image/jpeg")


def test_reencode_refuses_a_gif():
    with pytest.raises(Invalid) as error:
        images.reencode(upload(gif(), "a.gif"))
    assert error.value.code == "image_unreadable"


def test_reencode_refuses_what_is_not_an_image_whatever_its_name():
    with pytest.raises(Invalid) as error:
        images.reencode(upload(b"<script>alert(1)</script>" * 20, "photo.jpg"))
    assert error.value.code == "image_unreadable"


def test_reencode_refuses_a_truncated_jpeg():
    with pytest.raises(Invalid) as error:
        images.reencode(upload(jpeg_with_gps()[:2000]))
    assert error.value.code == "image_unreadable"


def test_reencode_refuses_a_file_over_the_byte_limit(settings):
    settings.IMAGE_MAX_BYTES = 10_000
    with pytest.raises(Invalid) as error:
        images.reencode(upload(jpeg_with_gps()))
    assert error.value.code == "image_too_large"


def test_reencode_refuses_too_many_pixels_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(Invalid) as error:
        images.reencode(upload(png_header_only(2000, 1000), "big.png"))
    assert error.value.code == "image_too_many_pixels"


def test_reencode_refuses_a_decompression_bomb():
    with pytest.raises(Invalid) as error:
        images.reencode(upload(png_header_only(100_000, 100_000), "bomb.png"))
    assert error.value.code in {"image_bomb", "image_too_many_pixels"}


# --- posting a proposal with photos ---------------------------------------------------


def test_posted_photo_is_served_without_its_gps_position(login, resident, process):
    client = login(resident)
    response = post_proposal(
        client,
        process,
        photo_1=upload(jpeg_with_gps()),
        photo_1_alt="公園の入口の壊れたベンチ",
    )
    assert response.status_code == 302
    image = ProposalImage.objects.get()
    served = client.get(image.get_absolute_url())
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    content = b"".join(served) if served.streaming else served.content
    clean = Image.open(io.BytesIO(content))
    assert dict(clean.getexif()) == {}
    assert not clean.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in content and b"PhoneMaker" not in content


def test_photo_file_name_says_nothing_of_the_upload(login, resident, process):
    post_proposal(
        login(resident),
        process,
        photo_1=upload(png(), "Hanako-home-address.png", "image/png"),
        photo_1_alt="花壇",
    )
    name = ProposalImage.objects.get().file.name
    assert "Hanako" not in name
    assert name.startswith("proposals/")


def test_photo_needs_a_description(login, resident, process):
    response = post_proposal(login(resident), process, photo_1=upload(jpeg_with_gps()))
    assert response.status_code == 400
    assert "Describe each photo" in response.content.decode()
    assert not Proposal.objects.exists()
    assert stored_files() == []


def test_unreadable_photo_is_refused_with_400_and_nothing_saved(
    login, resident, process
):
    response = post_proposal(
        login(resident),
        process,
        photo_1=upload(b"not an image at all" * 50, "x.jpg"),
        photo_1_alt="説明",
    )
    assert response.status_code == 400
    assert "could not be read as a photo" in response.content.decode()
    assert not Proposal.objects.exists()
    assert not ProposalImage.objects.exists()
    assert stored_files() == []


def test_refusal_of_a_photo_is_translated(settings, login, resident, process):
    client = login(resident)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    response = post_proposal(
        client, process, photo_1=upload(gif(), "a.gif"), photo_1_alt="説明"
    )
    assert response.status_code == 400
    assert "写真として読み込めません" in response.content.decode()


def test_too_large_photo_is_refused_with_400_and_nothing_saved(
    settings, login, resident, process
):
    settings.IMAGE_MAX_BYTES = 10_000
    response = post_proposal(
        login(resident), process, photo_1=upload(jpeg_with_gps()), photo_1_alt="説明"
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()
    assert stored_files() == []


def test_bomb_is_refused_with_400_and_nothing_saved(login, resident, process):
    response = post_proposal(
        login(resident),
        process,
        photo_1=upload(png_header_only(100_000, 100_000), "b.png", "image/png"),
        photo_1_alt="説明",
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_five_photos_are_kept_in_their_order(login, resident, process):
    files = {}
    for n in range(1, 6):
        files[f"photo_{n}"] = upload(png(size=(10 * n, 10)), f"{n}.png", "image/png")
        files[f"photo_{n}_alt"] = f"写真{n}"
    response = post_proposal(login(resident), process, **files)
    assert response.status_code == 302
    alts = list(ProposalImage.objects.values_list("alt_text", flat=True))
    assert alts == [f"写真{n}" for n in range(1, 6)]
    assert len(stored_files()) == 10  # each photo and its small rendition


def test_a_sixth_photo_is_refused_by_the_service(resident, process):
    with pytest.raises(Invalid) as error:
        services.proposal_create(
            author=resident,
            process=process,
            title="六枚の写真を添えた提案のタイトル",
            body="写真を六枚つけようとしています。" * 3,
            images=[new_image() for _ in range(6)],
        )
    assert error.value.code == "too_many_images"
    assert not Proposal.objects.exists()
    assert stored_files() == []


def test_a_sixth_photo_is_refused_on_edit(proposal):
    with_photos(proposal, 5)
    with pytest.raises(Invalid) as error:
        with_photos(proposal, 1)
    assert error.value.code == "too_many_images"
    assert proposal.images.count() == 5


def test_the_form_offers_no_slot_past_five(login, resident, proposal):
    with_photos(proposal, 5)
    response = login(resident).get(reverse("proposals:edit", args=[proposal.pk]))
    html = response.content.decode()
    assert 'name="photo_1"' not in html
    assert html.count("_remove") >= 5


def test_service_refuses_a_photo_without_description(resident, process):
    with pytest.raises(Invalid) as error:
        services.proposal_create(
            author=resident,
            process=process,
            title="説明のない写真を添えた提案です",
            body="写真の説明を空にしています。" * 3,
            images=[new_image(alt="   ")],
        )
    assert error.value.code == "alt_text_required"
    assert stored_files() == []


def test_edit_removes_a_photo_and_its_file(
    proposal, django_capture_on_commit_callbacks
):
    with_photos(proposal, 2)
    first, second = proposal.images.all()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_edit(
            actor=proposal.author,
            proposal=proposal,
            title=proposal.title,
            body=proposal.body,
            remove_image_ids=[first.pk],
        )
    assert list(proposal.images.all()) == [second]
    assert not default_storage.exists(first.file.name)
    assert default_storage.exists(second.file.name)


def test_edit_changes_a_description(proposal):
    with_photos(proposal, 1)
    image = proposal.images.get()
    services.proposal_edit(
        actor=proposal.author,
        proposal=proposal,
        title=proposal.title,
        body=proposal.body,
        image_alt_texts={image.pk: "新しい説明"},
    )
    image.refresh_from_db()
    assert image.alt_text == "新しい説明"


def test_edit_form_refuses_to_clear_a_kept_photos_description(
    login, resident, proposal
):
    with_photos(proposal, 1)
    image = proposal.images.get()
    data = valid_proposal_data(**{f"image_{image.pk}_alt": ""})
    response = login(resident).post(reverse("proposals:edit", args=[proposal.pk]), data)
    assert response.status_code == 400
    image.refresh_from_db()
    assert image.alt_text == "写真 0"


# --- where photos are shown and served ------------------------------------------------


def test_page_shows_each_photo_with_its_description(client, proposal):
    with_photos(proposal, 2)
    html = client.get(proposal.get_absolute_url()).content.decode()
    for image in proposal.images.all():
        assert f'src="{image.get_absolute_url()}"' in html
        assert f'alt="{image.alt_text}"' in html
        assert f'<figcaption class="small">{image.alt_text}</figcaption>' in html


def _hide(proposal, facilitator):
    moderation.content_hide(
        actor=facilitator,
        target=proposal,
        reason_code=ReportReason.OFFENSIVE,
        reason="個人が特定できる写真",
    )


def test_hidden_proposals_photos_answer_404(client, proposal, facilitator):
    with_photos(proposal, 1)
    image = proposal.images.get()
    assert client.get(image.get_absolute_url()).status_code == 200
    _hide(proposal, facilitator)
    assert client.get(image.get_absolute_url()).status_code == 404
    assert (
        image.get_absolute_url()
        not in client.get(proposal.get_absolute_url()).content.decode()
    )


def test_hidden_proposals_photos_stay_visible_to_their_author_privately(
    login, proposal, facilitator
):
    with_photos(proposal, 1)
    _hide(proposal, facilitator)
    response = login(proposal.author).get(proposal.images.get().get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_photos_of_a_draft_process_answer_404(client, proposal):
    with_photos(proposal, 1)
    proposal.process.status = "draft"
    proposal.process.save()
    assert client.get(proposal.images.get().get_absolute_url()).status_code == 404


def test_photo_address_with_another_proposals_number_answers_404(client, proposal):
    with_photos(proposal, 1)
    other = factories.ProposalFactory(process=proposal.process)
    image = proposal.images.get()
    url = reverse("proposals:image", args=[other.pk, image.pk])
    assert client.get(url).status_code == 404


def test_photo_is_handed_to_nginx_when_configured(settings, client, proposal):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected-media/"
    with_photos(proposal, 1)
    image = proposal.images.get()
    response = client.get(image.get_absolute_url())
    assert response["X-Accel-Redirect"] == f"/_protected-media/{image.file.name}"
    assert response.content == b""


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_proposal_page_queries_do_not_grow_with_photos(client, process, resident):
    bare = factories.ProposalFactory(process=process, author=resident)
    pictured = factories.ProposalFactory(process=process, author=resident)
    with_photos(pictured, 5)
    _queries(client, bare.get_absolute_url())  # warm the caches of the first request
    assert _queries(client, pictured.get_absolute_url()) == _queries(
        client, bare.get_absolute_url()
    )


def test_proposal_list_queries_do_not_grow_with_photos(client, process, resident):
    url = reverse("proposals:list", args=[process.slug])
    factories.ProposalFactory.create_batch(3, process=process)
    _queries(client, url)
    before = _queries(client, url)
    for proposal in Proposal.objects.all():
        with_photos(proposal, 2)
    assert _queries(client, url) == before


# --- API and open data ----------------------------------------------------------------


def test_api_lists_photos_with_their_addresses_and_descriptions(client, proposal):
    with_photos(proposal, 2)
    data = client.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert [i["alt_text"] for i in data["images"]] == ["写真 0", "写真 1"]
    first = proposal.images.first()
    assert data["images"][0]["url"].endswith(first.get_absolute_url())
    assert data["images"][0]["content_type"] == "image/jpeg"
    listed = client.get("/api/v1/proposals/").json()["results"][0]
    assert len(listed["images"]) == 2


def test_api_shows_no_photos_of_a_hidden_proposal(client, proposal, facilitator):
    with_photos(proposal, 1)
    _hide(proposal, facilitator)
    data = client.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert data["images"] == []


def test_open_data_lists_photos_of_visible_proposals_only(proposal, facilitator):
    with_photos(proposal, 2)
    hidden = factories.ProposalFactory(process=proposal.process)
    with_photos(hidden, 1)
    _hide(hidden, facilitator)
    rows = list(datasets.PHOTOS.rows())
    assert [row[1] for row in rows] == [proposal.pk, proposal.pk]
    assert rows[0][2].endswith(proposal.images.first().get_absolute_url())
    assert rows[0][3] == "写真 0"


# --- the small rendition and the lists' cards --------------------------------------


def test_posted_photo_gets_its_small_rendition_once_at_upload(
    settings, login, resident, process
):
    post_proposal(
        login(resident),
        process,
        photo_1=upload(jpeg_with_gps()),
        photo_1_alt="公園の入口の壊れたベンチ",
    )
    image = ProposalImage.objects.get()
    assert image.has_small
    assert (image.small_width, image.small_height) == (settings.IMAGE_SMALL_SIDE, 240)
    with default_storage.open(image.small_file.name, "rb") as handle:
        small = Image.open(io.BytesIO(handle.read()))
    assert small.size == (image.small_width, image.small_height)
    assert dict(small.getexif()) == {}


def test_transparent_photo_keeps_a_png_rendition(resident, process):
    proposal = factories.ProposalFactory(process=process, author=resident)
    content, width, height, content_type = images.reencode(
        upload(png((640, 480), alpha=True), "a.png", "image/png")
    )
    services.proposal_edit(
        actor=resident,
        proposal=proposal,
        title=proposal.title,
        body=proposal.body,
        images=[services.NewImage(content, width, height, content_type, "花壇")],
    )
    image = proposal.images.get()
    assert image.small_file.name.endswith(".png")


def test_small_rendition_is_served_with_the_photos_headers(client, proposal):
    with_photos(proposal, 1)
    image = proposal.images.get()
    response = client.get(image.get_small_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    with default_storage.open(image.small_file.name, "rb") as handle:
        assert response.content == handle.read()


def test_hidden_proposals_small_renditions_answer_404(client, proposal, facilitator):
    with_photos(proposal, 1)
    image = proposal.images.get()
    _hide(proposal, facilitator)
    assert client.get(image.get_small_url()).status_code == 404


def test_small_rendition_of_a_draft_process_answers_404(client, proposal):
    with_photos(proposal, 1)
    proposal.process.status = "draft"
    proposal.process.save()
    assert client.get(proposal.images.get().get_small_url()).status_code == 404


def test_small_rendition_is_handed_to_nginx_when_configured(settings, client, proposal):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected-media/"
    with_photos(proposal, 1)
    image = proposal.images.get()
    response = client.get(image.get_small_url())
    assert response["X-Accel-Redirect"] == f"/_protected-media/{image.small_file.name}"


def test_photo_without_rendition_is_served_whole_at_the_small_address(client, proposal):
    with_photos(proposal, 1)
    image = proposal.images.get()
    ProposalImage.objects.filter(pk=image.pk).update(small_file="")
    response = client.get(image.get_small_url())
    with default_storage.open(image.file.name, "rb") as handle:
        assert response.content == handle.read()


def test_list_card_shows_the_first_photos_small_rendition(client, proposal):
    with_photos(proposal, 2)
    first = proposal.images.first()
    html = client.get(reverse("proposals:list", args=[proposal.process.slug]))
    html = html.content.decode()
    assert (
        f'<img class="proposal-card-photo" src="{first.get_small_url()}" '
        f'alt="{first.alt_text}" width="{first.small_width}" '
        f'height="{first.small_height}" loading="lazy" decoding="async">'
    ) in html
    assert html.count('class="proposal-card-photo"') == 1


def test_process_page_card_shows_the_first_photo(client, proposal):
    with_photos(proposal, 1)
    html = client.get(reverse("process", args=[proposal.process.slug])).content
    assert proposal.images.get().get_small_url() in html.decode()


def test_card_of_a_proposal_without_photos_has_no_picture(client, proposal):
    html = client.get(reverse("proposals:list", args=[proposal.process.slug]))
    assert "proposal-card-photo" not in html.content.decode()


def test_make_photo_renditions_draws_the_missing_ones_only(proposal):
    with_photos(proposal, 2)
    first, second = proposal.images.all()
    ProposalImage.objects.filter(pk=first.pk).update(
        small_file="", small_width=0, small_height=0
    )
    kept = second.small_file.name
    out = io.StringIO()
    call_command("make_photo_renditions", stdout=out)
    assert "Small renditions drawn: 1" in out.getvalue()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.has_small and first.small_width > 0
    assert default_storage.exists(first.small_file.name)
    assert second.small_file.name == kept


def test_make_photo_renditions_counts_a_photo_whose_file_is_gone(proposal):
    with_photos(proposal, 1)
    image = proposal.images.get()
    ProposalImage.objects.filter(pk=image.pk).update(small_file="")
    default_storage.delete(image.file.name)
    out = io.StringIO()
    call_command("make_photo_renditions", stdout=out)
    assert "Small renditions drawn: 0" in out.getvalue()
    assert "without a readable file: 1" in out.getvalue()


def test_removing_a_photo_on_edit_deletes_its_rendition_too(
    proposal, django_capture_on_commit_callbacks
):
    with_photos(proposal, 1)
    image = proposal.images.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_edit(
            actor=proposal.author,
            proposal=proposal,
            title=proposal.title,
            body=proposal.body,
            remove_image_ids=[image.pk],
        )
    assert not default_storage.exists(image.small_file.name)


# --- adding and removing one photo (the API's services) ------------------------


def test_image_add_puts_the_photo_after_the_others(proposal):
    with_photos(proposal, 2)
    added = services.proposal_image_add(
        actor=proposal.author, proposal=proposal, image=new_image("三枚目")
    )
    assert [i.alt_text for i in proposal.images.all()][-1] == "三枚目"
    assert added.position == 2
    assert added.has_small


def test_image_add_refuses_a_hidden_proposal(proposal, facilitator):
    _hide(proposal, facilitator)
    with pytest.raises(NotAllowed) as error:
        services.proposal_image_add(
            actor=proposal.author, proposal=proposal, image=new_image()
        )
    assert error.value.code == "hidden"
    assert stored_files() == []


def test_image_add_refuses_someone_else(proposal, resident2):
    with pytest.raises(NotAllowed):
        services.proposal_image_add(
            actor=resident2, proposal=proposal, image=new_image()
        )


def test_image_remove_refuses_another_proposals_photo(proposal):
    other = factories.ProposalFactory(process=proposal.process, author=proposal.author)
    with_photos(other, 1)
    with pytest.raises(Invalid) as error:
        services.proposal_image_remove(
            actor=proposal.author, proposal=proposal, image_id=other.images.get().pk
        )
    assert error.value.code == "unknown_image"
    assert other.images.count() == 1


def test_photo_added_through_the_api_service_shows_on_the_next_anonymous_read(
    client, settings, proposal, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    url = reverse("proposals:detail", args=[proposal.pk])
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_image_add(
            actor=proposal.author, proposal=proposal, image=new_image("新しい写真")
        )
    again = client.get(url)
    assert again["X-Cache"] == "MISS"
    assert "新しい写真" in again.content.decode()
