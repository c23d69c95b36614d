"""The upload pipeline: hostile files are refused early, the rest is re-encoded cleanly."""

import errno
import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage

from articles import images, services
from articles.models import Article, Image
from tests.factories import ArticleFactory, ImageFactory, sample_upload

pytestmark = pytest.mark.django_db


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header declares ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * 64, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def upload(content: bytes, name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if Pillow decodes pixel data."""

    def refuse_load(self, *args, **kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(PILImage.Image, "load", refuse_load)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", refuse_load)


@pytest.mark.django_db(transaction=True)  # the job worker commits
def test_a_jpeg_is_stored_under_a_generated_name_with_renditions(settings, run_tasks):
    image = services.create_image(
        source=sample_upload((2000, 1000), name="../../etc/passwd.jpg"),
        alt_text="Η Βουλή",
        credit="Γιώργος Παπαδόπουλος",
    )
    assert run_tasks() == 1  # the renditions, written by the job worker
    image.refresh_from_db()
    assert Path(image.file.name).parent.as_posix().startswith("images/")
    assert "passwd" not in image.file.name
    assert len(Path(image.file.name).stem) == 32  # a uuid4 hex
    assert (image.width, image.height) == (2000, 1000)
    assert [r["width"] for r in image.renditions] == [320, 640, 1024, 1600]
    assert [r["height"] for r in image.renditions] == [160, 320, 512, 800]
    for rendition in image.renditions:
        for kind, pillow_format in [("webp", "WEBP"), ("jpeg", "JPEG")]:
            with image.storage.open(rendition[kind]) as stored:
                picture = PILImage.open(stored)
                assert picture.format == pillow_format
                assert picture.size == (rendition["width"], rendition["height"])
    assert len(media_files(settings)) == 1 + 2 * 4


def test_renditions_are_never_upscaled():
    image = ImageFactory(size=(700, 350))
    assert [r["width"] for r in image.renditions] == [320, 640]
    tiny = ImageFactory(size=(200, 100))
    assert [(r["width"], r["height"]) for r in tiny.renditions] == [(200, 100)]


def test_the_stored_original_is_at_most_the_master_size(settings):
    settings.IMAGE_MASTER_MAX_SIDE = 1200
    image = ImageFactory(size=(3000, 1500))
    assert (image.width, image.height) == (1200, 600)
    assert max(r["width"] for r in image.renditions) == 1024


@pytest.mark.parametrize(
    ("image_format", "color", "extension"),
    [("PNG", (0, 128, 0, 128), "png"), ("WEBP", "teal", "webp"), ("JPEG", "navy", "jpg")],
)
def test_png_webp_and_jpeg_are_accepted_and_keep_their_kind(image_format, color, extension):
    image = ImageFactory(size=(400, 300), color=color, image_format=image_format)
    assert image.file.name.endswith(f".{extension}")
    with image.storage.open(image.renditions[0]["jpeg"]) as stored:
        assert PILImage.open(stored).mode == "RGB"  # transparency flattened for JPEG


def test_the_format_is_read_from_the_content_not_the_name():
    jpeg_named_png = sample_upload((400, 300), name="photo.png")
    image = services.create_image(source=jpeg_named_png, alt_text="Κάτι")
    assert image.file.name.endswith(".jpg")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", id="gif"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', id="svg"),
        pytest.param(b"%PDF-1.4 not an image", id="pdf"),
        pytest.param(b"<?php system($_GET['c']); ?>", id="php"),
    ],
)
def test_other_formats_are_refused_whatever_their_name(content):
    with pytest.raises(ValidationError) as error:
        services.create_image(source=upload(content, name="photo.jpg"), alt_text="Κάτι")
    assert error.value.code == "format"
    assert not Image.objects.exists()


def test_a_real_gif_or_bmp_is_refused():
    for image_format in ["GIF", "BMP", "TIFF"]:
        buffer = io.BytesIO()
        PILImage.new("RGB", (50, 50), "red").save(buffer, image_format)
        with pytest.raises(ValidationError) as error:
            images.process_upload(upload(buffer.getvalue(), name="photo.jpg"))
        assert error.value.code == "format", image_format


def test_a_pixel_bomb_is_refused_from_its_header_before_decoding(no_decoding, settings):
    bomb = png_declaring(12_300, 12_300)  # 151 megapixels in a few dozen bytes
    assert len(bomb) < 200
    with pytest.raises(ValidationError) as error:
        services.create_image(source=upload(bomb), alt_text="Βόμβα")
    assert error.value.code == "too_many_pixels"
    assert not Image.objects.exists()
    assert media_files(settings) == []


def test_an_image_just_over_the_pixel_cap_is_refused_with_its_size(no_decoding):
    with pytest.raises(ValidationError) as error:
        images.process_upload(upload(png_declaring(8000, 5001)))  # 40.008 MP
    assert error.value.code == "too_many_pixels"
    assert "8000 × 5001" in str(error.value.messages)


def test_a_lower_pixel_cap_applies_at_once(settings):
    settings.IMAGE_MAX_PIXELS = 100_000
    with pytest.raises(ValidationError) as error:
        images.process_upload(sample_upload((400, 300)))
    assert error.value.code == "too_many_pixels"


def test_an_oversized_upload_is_refused_before_pillow_reads_it(settings, monkeypatch):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000
    opened = []
    monkeypatch.setattr(PILImage, "open", lambda *a, **k: opened.append(a))
    with pytest.raises(ValidationError) as error:
        images.process_upload(sample_upload((400, 300), quality=95))
    assert error.value.code == "too_large"
    assert opened == []


def test_an_empty_or_truncated_file_is_refused():
    with pytest.raises(ValidationError) as error:
        images.process_upload(upload(b"", name="empty.jpg"))
    assert error.value.code == "empty"
    whole = sample_upload((600, 400), color="orange").read()
    with pytest.raises(ValidationError) as error:
        images.process_upload(upload(whole[: len(whole) // 2], name="half.jpg"))
    assert error.value.code in {"damaged", "format"}


@pytest.mark.django_db(transaction=True)  # the job worker commits
def test_bytes_appended_to_an_image_are_gone_after_re_encoding(run_tasks):
    payload = b"<script>alert(document.cookie)</script>PK\x03\x04hidden.zip"
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 300), "white").save(buffer, "PNG")
    image = services.create_image(source=upload(buffer.getvalue() + payload), alt_text="Κάτι")
    assert run_tasks() == 1
    image.refresh_from_db()
    for name in image.stored_names():
        with image.storage.open(name) as stored:
            assert b"<script>" not in stored.read(), name


@pytest.mark.django_db(transaction=True)  # the job worker commits
def test_exif_orientation_is_applied_and_all_metadata_removed(run_tasks):
    exif = PILImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {2: (37.0, 58.0, 0.0), 4: (23.0, 43.0, 0.0)}  # GPS position
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 400), "green").save(
        buffer, "JPEG", exif=exif, comment=b"secret comment"
    )
    image = services.create_image(source=upload(buffer.getvalue(), name="p.jpg"), alt_text="Κ")
    assert run_tasks() == 1
    image.refresh_from_db()
    assert (image.width, image.height) == (400, 800)  # turned upright
    for name in image.stored_names():
        with image.storage.open(name) as stored:
            data = stored.read()
            picture = PILImage.open(io.BytesIO(data))
            assert not picture.getexif(), name
            assert not {"exif", "icc_profile", "comment"} & picture.info.keys(), name
            assert b"CameraMaker" not in data, name
            assert b"secret comment" not in data, name


@pytest.mark.parametrize(
    ("mode", "image_format"),
    [("CMYK", "JPEG"), ("I;16", "PNG"), ("P", "PNG"), ("LA", "PNG"), ("L", "WEBP")],
)
def test_unusual_colour_modes_are_converted(mode, image_format):
    buffer = io.BytesIO()
    picture = PILImage.new(mode, (500, 300))
    if mode == "P":
        picture.info["transparency"] = 0
    picture.save(buffer, image_format)
    processed = images.process_upload(upload(buffer.getvalue(), name="x"))
    assert processed.renditions


def test_a_full_disk_leaves_no_file_and_no_row(settings, monkeypatch):
    real_save = FileSystemStorage._save
    calls = []

    def save_until_full(self, name, content):
        calls.append(name)
        if len(calls) == 4:
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"partial")  # a partial write, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save_until_full)
    # Processed with its renditions (as the demo data does): all files in one go.
    processed = images.process_upload(sample_upload((2000, 1000)))
    with pytest.raises(images.ImageStorageError) as error:
        services.create_image(source=processed, alt_text="Κάτι")
    assert error.value.disk_full
    assert "δίσκος του διακομιστή είναι γεμάτος" in str(error.value)
    assert len(calls) == 4
    assert media_files(settings) == []
    assert not Image.objects.exists()


def test_alt_text_is_required_before_any_file_is_written(settings):
    with pytest.raises(ValidationError) as error:
        services.create_image(source=sample_upload(), alt_text="")
    assert "alt_text" in error.value.message_dict
    assert media_files(settings) == []


def test_an_image_in_use_cannot_be_deleted_and_an_unused_one_takes_its_files(
    settings, django_capture_on_commit_callbacks
):
    used = ImageFactory(size=(700, 400))
    ArticleFactory(hero_image=used)
    with pytest.raises(ProtectedError):
        services.delete_image(image=used)
    inline = ImageFactory()
    ArticleFactory(body=f'<figure><img src="x" data-file="{inline.pk}"></figure>')
    with pytest.raises(ProtectedError):
        services.delete_image(image=inline)

    unused = ImageFactory(size=(700, 400))
    names = unused.stored_names()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_image(image=unused)
    assert not any(unused.storage.exists(name) for name in names)
    assert all(used.storage.exists(name) for name in used.stored_names())


def test_an_image_stored_before_renditions_gets_them(settings):
    image = ImageFactory(size=(900, 600))
    old_names = image.stored_names()
    Image.objects.filter(pk=image.pk).update(renditions=[])
    image.refresh_from_db()
    services.make_renditions(image=image)
    image.refresh_from_db()
    assert [r["width"] for r in image.renditions] == [320, 640]
    assert image.file.name not in old_names


def test_the_make_renditions_command_fills_in_missing_renditions():
    from django.core.management import call_command

    image = ImageFactory(size=(700, 400))
    Image.objects.filter(pk=image.pk).update(renditions=[])
    call_command("make_renditions", stdout=io.StringIO())
    image.refresh_from_db()
    assert [r["width"] for r in image.renditions] == [320, 640]


@pytest.mark.django_db(transaction=True)  # the job worker commits, pages are stored
def test_renditions_that_arrive_after_an_article_shows_the_image_reach_its_stored_page(
    page_cache, client, run_tasks
):
    image = services.create_image(source=sample_upload((700, 400)), alt_text="Νωρίς")
    article = ArticleFactory(hero_image=image)
    before = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{image.file.url}"' in before  # the original, at its stored size
    assert 'width="700" height="400"' in before
    assert run_tasks() == 1
    image.refresh_from_db()
    after = client.get(article.get_absolute_url()).content.decode()
    assert image.renditions[0]["webp"] in after


def test_an_image_counts_as_shown_when_any_row_points_at_it():
    from articles.models import Author
    from articles.renditions import is_shown_anywhere

    hero, inline, photo, unused = (ImageFactory() for _ in range(4))
    ArticleFactory(hero_image=hero)
    ArticleFactory(body=f'<figure><img src="x" data-file="{inline.pk}"></figure>')
    Author.objects.create(name="Ελένη Ρήγα", photo=photo)
    assert [is_shown_anywhere(i) for i in (hero, inline, photo, unused)] == [
        True, True, True, False
    ]  # fmt: skip


def test_inline_figures_cost_no_query_on_the_article_page(client, django_assert_max_num_queries):
    figures = "".join(
        f'<figure><img src="x" data-file="{ImageFactory().pk}"><figcaption>Λ</figcaption></figure>'
        for _ in range(12)
    )
    article = ArticleFactory(body=figures, hero_image=ImageFactory())
    with django_assert_max_num_queries(8):  # the article page's budget, as with no figure
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<picture>") == 13


def test_changing_an_images_credit_updates_the_articles_that_show_it():
    image = ImageFactory(credit="Πρώτος φωτογράφος")
    article = ArticleFactory(body=f'<figure><img src="x" data-file="{image.pk}"></figure>')
    assert "Πρώτος φωτογράφος" in article.body_html
    services.update_image(image=image, alt_text=image.alt_text, credit="Δεύτερος φωτογράφος")
    article.refresh_from_db()
    assert "Δεύτερος φωτογράφος" in article.body_html
    assert "Πρώτος" not in article.body_html


# --- reader pages -----------------------------------------------------------------


def test_article_page_serves_a_responsive_hero_with_high_priority(client):
    article = ArticleFactory(hero_image=ImageFactory(size=(1800, 1000)))
    html = client.get(article.get_absolute_url()).content.decode()
    hero = html[html.index('class="article__hero"') :]
    hero = hero[: hero.index("</figure>")]
    assert '<source type="image/webp" srcset="' in hero
    assert "-320.webp 320w" in hero
    assert "-1600.webp 1600w" in hero
    assert "-1024.jpg 1024w" in hero
    assert 'width="1800" height="1000"' in hero
    assert 'fetchpriority="high"' in hero
    assert 'loading="lazy"' not in hero
    assert 'sizes="' in hero


def test_cards_below_the_fold_load_lazily_with_their_size_set(client):
    image = ImageFactory(size=(1200, 675))
    category = ArticleFactory(hero_image=image).category
    ArticleFactory(hero_image=image, category=category)
    html = client.get(category.get_absolute_url()).content.decode()
    cards = html.split('class="card__image"')[1:]
    assert len(cards) == 2
    assert 'loading="lazy"' not in cards[0].split("</a>")[0]  # the first is above the fold
    assert 'loading="lazy"' in cards[1].split("</a>")[0]
    assert all('width="1200" height="675"' in c.split("</a>")[0] for c in cards)
    assert all("srcset=" in c.split("</a>")[0] for c in cards)


def test_reader_pages_never_touch_the_image_files(client, monkeypatch):
    article = ArticleFactory(hero_image=ImageFactory(size=(800, 450)))
    image = ImageFactory(size=(800, 450))
    article.body = (
        f'<figure><img src="x" data-file="{image.pk}"><figcaption>Λ</figcaption></figure>'
    )
    article.save()

    def no_disk(*args, **kwargs):
        raise AssertionError("the disk was read while rendering a page")

    for name in ["open", "exists", "size"]:
        monkeypatch.setattr(FileSystemStorage, name, no_disk)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200


# --- the admin --------------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    from django.contrib.auth.models import Group, Permission

    from tests.factories import UserFactory

    editors, created = Group.objects.get_or_create(name="Editors")
    if created:  # a transactional test before this one emptied the migrations' groups
        editors.permissions.add(*Permission.objects.filter(content_type__app_label="articles"))
    editor = UserFactory(username="photo-editor", is_staff=True)
    editor.groups.add(editors)
    client.force_login(editor)
    client.user = editor
    return client


@pytest.mark.django_db(transaction=True)  # the job worker commits
def test_editor_uploads_an_image_in_the_admin(editor_client, settings, run_tasks):
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {
            "upload": sample_upload((1100, 700)),
            "alt_text": "Το Σύνταγμα",
            "caption": "Η πλατεία",
            "credit": "Αρχείο",
        },
    )
    assert response.status_code == 302
    assert run_tasks() == 1  # the renditions, written by the job worker
    image = Image.objects.get()
    assert image.uploaded_by == editor_client.user
    assert [r["width"] for r in image.renditions] == [320, 640, 1024]
    listing = editor_client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert image.rendition_url(320) in listing


def test_a_refused_upload_is_a_clear_form_error_in_the_admin(editor_client, settings):
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {"upload": upload(png_declaring(12_300, 12_300)), "alt_text": "Βόμβα"},
    )
    assert response.status_code == 200
    assert "megapixel" in str(response.context["adminform"].form.errors["upload"])
    assert not Image.objects.exists()
    assert media_files(settings) == []


def test_a_full_disk_during_an_admin_upload_is_a_clear_page(editor_client, settings, monkeypatch):
    def full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {"upload": sample_upload((900, 500)), "alt_text": "Κάτι"},
    )
    assert response.status_code == 507
    assert "ο δίσκος του διακομιστή είναι γεμάτος" in response.content.decode()
    assert not Image.objects.exists()
    assert media_files(settings) == []


def test_the_picker_lists_searches_and_uploads_images(editor_client):
    ImageFactory(caption="Λιμάνι του Πειραιά")
    ImageFactory(caption="Βουλή των Ελλήνων")
    url = reverse("admin:articles_image_picker")
    response = editor_client.get(url, {"CKEditorFuncNum": "-1", "q": "Πειραι"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="image-picker__choice"') == 1
    assert 'data-callback="-1"' in html
    assert editor_client.get(url, {"q": "a\x00b", "p": "x"}).status_code == 200
    assert (
        'data-callback=""' in editor_client.get(url, {"CKEditorFuncNum": "');x("}).content.decode()
    )

    response = editor_client.post(
        f"{url}?CKEditorFuncNum=-2",
        {"upload": sample_upload((700, 400)), "alt_text": "Νέα", "caption": "Νέα εικόνα"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("CKEditorFuncNum=-2")
    assert Image.objects.filter(caption="Νέα εικόνα").exists()


def test_the_article_form_body_editor_opens_the_picker(editor_client):
    html = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "data-django-prose-editor-configurable" in html
    assert reverse("admin:articles_image_picker") in html
    assert "django_prose_editor/editor.js" in html
    assert "https://" not in html.split("<body")[0]  # nothing from another host


def test_article_hero_image_deletion_is_refused_in_the_admin(editor_client):
    image = ImageFactory()
    ArticleFactory(hero_image=image)
    response = editor_client.post(
        reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
    )
    assert response.status_code == 200  # the "cannot delete" page
    assert Image.objects.filter(pk=image.pk).exists()
    assert Article.objects.filter(hero_image=image).exists()


# --- the clauses of issue 8, point 6, each on its own ------------------------------------


def real_png_bomb() -> bytes:
    """A complete, valid PNG of 12,300 × 12,300 black pixels (151 megapixels): every row is
    there, and zlib squeezes the 19 MB of zeros into about 18 KB."""
    width = height = 12_300
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + 1-bit pixels
    squeezer = zlib.compressobj(9)
    data = b"".join(squeezer.compress(row) for _ in range(height)) + squeezer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_an_18_kb_png_of_151_megapixels_is_refused_before_decoding(
    no_decoding, settings, editor_client, record_figure
):
    bomb = real_png_bomb()
    record_figure("pixel bomb: file size (KB), declared megapixels", f"{len(bomb) / 1024:.0f}, 151")
    assert 15_000 < len(bomb) < 25_000
    with pytest.raises(ValidationError) as error:
        services.create_image(source=upload(bomb), alt_text="Βόμβα")
    assert error.value.code == "too_many_pixels"
    response = editor_client.post(
        reverse("admin:articles_image_add"), {"upload": upload(bomb), "alt_text": "Βόμβα"}
    )
    assert response.status_code == 200
    assert "megapixel" in str(response.context["adminform"].form.errors["upload"])
    assert not Image.objects.exists()
    assert media_files(settings) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("image_format", ["JPEG", "WEBP", "PNG"])
def test_a_script_or_archive_appended_to_any_format_is_gone(image_format, run_tasks):
    appended = b"<script>alert(document.cookie)</script>PK\x03\x04evil.jar<?php system($_GET[c]);"
    buffer = io.BytesIO()
    PILImage.new("RGB", (700, 400), "teal").save(buffer, image_format)
    image = services.create_image(
        source=upload(buffer.getvalue() + appended, name="photo.bin"), alt_text="Κάτι"
    )
    assert run_tasks() == 1
    image.refresh_from_db()
    for name in image.stored_names():
        with image.storage.open(name) as stored:
            data = stored.read()
        assert b"<script>" not in data, name
        assert b"PK\x03\x04" not in data, name
        assert b"<?php" not in data, name


def test_a_full_disk_during_an_admin_upload_is_a_clear_page_and_leaves_nothing(
    editor_client, settings, monkeypatch
):
    saved = []

    def full(self, name, content):
        saved.append(name)
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half an original")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {"upload": sample_upload((1800, 900)), "alt_text": "Κάτι"},
    )
    assert response.status_code == 507
    assert "ο δίσκος του διακομιστή είναι γεμάτος" in response.content.decode()
    assert len(saved) == 1  # the original only: the renditions are the worker's
    assert media_files(settings) == []
    assert not Image.objects.exists()
    assert not DBTaskResult.objects.exists()  # no task for an image that is not there


@pytest.mark.django_db(transaction=True)  # the job worker commits
def test_a_disk_filling_up_midway_through_the_renditions_leaves_the_original_shown_and_retries(
    editor_client, settings, monkeypatch, run_tasks, client
):
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {"upload": sample_upload((1800, 900)), "alt_text": "Κάτι"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    real_save = FileSystemStorage._save
    saved = []

    def fill_up(self, name, content):
        saved.append(name)
        if len(saved) == 3:  # two renditions are written, then the disk is full
            path = Path(self.path(name))
            path.write_bytes(b"half a rendition")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", fill_up)
    assert run_tasks() == 1
    assert len(saved) == 3
    image.refresh_from_db()
    assert image.renditions == []  # pages go on showing the original at its stored size
    assert media_files(settings) == [Path(settings.MEDIA_ROOT) / image.file.name]
    assert not DBTaskResult.objects.ready().exists()  # tried again later, not now
    assert DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).count() == 1
    article = ArticleFactory(hero_image=image)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{image.file.url}"' in page

    monkeypatch.setattr(FileSystemStorage, "_save", real_save)  # room again
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    assert run_tasks() == 1
    image.refresh_from_db()
    assert [r["width"] for r in image.renditions] == [320, 640, 1024, 1600]
    assert len(media_files(settings)) == 1 + 2 * 4
    page = client.get(article.get_absolute_url()).content.decode()
    assert image.renditions[0]["webp"] in page


def test_a_full_disk_during_an_upload_from_the_picker_is_said_in_the_picker(
    editor_client, settings, monkeypatch
):
    def full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    response = editor_client.post(
        reverse("admin:articles_image_picker") + "?CKEditorFuncNum=1",
        {"upload": sample_upload((900, 500)), "alt_text": "Κάτι"},
    )
    assert response.status_code == 200
    assert "ο δίσκος του διακομιστή είναι γεμάτος" in response.content.decode()
    assert not Image.objects.exists()
    assert media_files(settings) == []


def test_sweep_media_deletes_old_files_no_image_names_and_keeps_the_rest(settings):
    import os
    import time

    from django.core.management import call_command

    image = ImageFactory(size=(700, 400))
    root = Path(settings.MEDIA_ROOT)
    hour_ago = time.time() - 7200
    orphans = [root / "images/2026/01/0badf00d.jpg", root / "renditions/2026/01/0badf00d-320.webp"]
    fresh = root / "images/2026/12/an-upload-in-progress.jpg"
    for path in [*orphans, fresh]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left behind")
    for path in orphans:
        os.utime(path, (hour_ago, hour_ago))
    output = io.StringIO()
    call_command("sweep_media", stdout=output)
    assert "2 files that no image names were deleted" in output.getvalue()
    assert not any(path.exists() for path in orphans)
    assert fresh.exists()  # younger than an hour: maybe an upload about to save its row
    assert all(image.storage.exists(name) for name in image.stored_names())


def test_with_the_immediate_backend_of_make_run_the_upload_writes_its_renditions(
    settings, editor_client
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {"upload": sample_upload((1100, 700)), "alt_text": "Αμέσως"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert [r["width"] for r in image.renditions] == [320, 640, 1024]  # no worker needed
    assert not DBTaskResult.objects.exists()
    assert len(media_files(settings)) == 1 + 2 * 3
