"""Call recordings are private files: kept outside MEDIA_ROOT, at no public address, served only through the
view that checks who may hear them — in a local folder and in an S3-compatible bucket alike."""

import importlib.util
import io
import os
import runpy
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError

from coaching.models import CallReview, PendingRecording
from coaching.storage import private, private_files_check
from tests.coaching.test_call_reviews import review_form, wav_upload

pytestmark = pytest.mark.django_db

PROJECT = Path(settings.BASE_DIR)
BUCKET = "academy-private-files"


@pytest.fixture(autouse=True)
def own_folders(settings, tmp_path):
    """A MEDIA_ROOT and a PRIVATE_MEDIA_ROOT of this test's own, side by side as var/media and var/private are."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def url(hire_enrollment, graded_scenario):
    return f"/coaching/hires/{hire_enrollment.pk}/call-reviews/new/"


@pytest.fixture
def review(coach_client, url):
    response = coach_client.post(url, review_form(recording=wav_upload()))
    assert response.status_code == 302, response.content.decode()[:1000]
    return CallReview.objects.get()


def _listen_url(review) -> str:
    return f"/coaching/call-reviews/{review.pk}/recording/"


def _files_under(folder) -> list[Path]:
    return sorted(path.relative_to(folder) for path in Path(folder).rglob("*") if path.is_file())


def _private_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT).resolve()


# --- Where uploads are kept -----------------------------------------------------------------------


def test_an_uploaded_recording_is_kept_in_private_storage_not_under_media_root(review):
    assert Path(review.recording.path).resolve().is_relative_to(_private_root())
    assert _files_under(_private_root()) == [Path(review.recording.name)]
    assert _files_under(settings.MEDIA_ROOT) == []
    assert review.recording.url == ""  # no address of its own, not even one under MEDIA_URL


def test_a_recording_kept_while_the_form_is_corrected_is_private_too(coach_client, url):
    coach_client.post(url, review_form(duration="soon", recording=wav_upload()))
    pending = PendingRecording.objects.get()
    assert Path(pending.file.path).resolve().is_relative_to(_private_root())
    assert _files_under(settings.MEDIA_ROOT) == []


def test_the_local_settings_keep_private_files_in_var_private_apart_from_media():
    script = (
        "from django.conf import settings; from django.core.files.storage import storages; "
        "s = storages['private']; print(s.location); print(settings.MEDIA_ROOT); print(repr(s.url('recordings/a.mp3')))"
    )
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", script]
    result = subprocess.run(command, cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.stdout.split("\n")[:3] == [str(PROJECT / "var" / "private"), str(PROJECT / "var" / "media"), "''"], (
        result.stdout + result.stderr
    )


# --- No public address serves it ---------------------------------------------------------------------


@pytest.fixture
def local_urls(settings):
    """config/urls.py as the shipped local settings load it: DEBUG on, so /media/ serves MEDIA_ROOT."""
    settings.DEBUG = True
    spec = importlib.util.spec_from_file_location("local_debug_urls", PROJECT / "config" / "urls.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[spec.name] = module
    settings.ROOT_URLCONF = spec.name
    yield module
    del sys.modules[spec.name]


def test_no_address_under_media_or_static_serves_a_recording(review, local_urls, client, hire_client, coach_client):
    name = review.recording.name  # recordings/<random>.wav
    media, static = f"/{settings.MEDIA_URL.strip('/')}/", f"/{settings.STATIC_URL.strip('/')}/"
    avatar = storages["default"].save("avatars/face.png", ContentFile(b"not really a png"))
    assert client.get(media + avatar).status_code == 200  # the media route is there and serves MEDIA_ROOT

    basename = Path(name).name
    addresses = [media + name, media + basename, media + "recordings/pending/" + basename, media + "../private/" + name]
    addresses += [static + name, static + basename]
    for who in (client, hire_client, coach_client):
        for address in addresses:
            assert who.get(address).status_code in (400, 404), address  # 400: a path out of MEDIA_ROOT
    assert coach_client.get(_listen_url(review)).status_code == 200  # while the checked view serves it


# --- The view that checks who may hear it --------------------------------------------------------------


def test_the_view_streams_it_from_private_storage_to_the_hires_coach_and_the_hire(review, coach_client, hire_client):
    stored = Path(review.recording.path).read_bytes()
    response = coach_client.get(_listen_url(review))
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == stored
    assert response["Content-Disposition"] == f'inline; filename="{Path(review.recording.name).name}"'
    assert response["Content-Type"].startswith("audio/")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control and "public" not in cache_control

    ranged = hire_client.get(_listen_url(review), HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and ranged.content == stored[:100]
    assert ranged["Content-Disposition"].startswith("inline;") and "no-store" in ranged["Cache-Control"]


def test_the_view_refuses_everyone_else(review, client, client_for, outsider_coach, other_hire_enrollment):
    for who in (client, client_for(outsider_coach), client_for(other_hire_enrollment.hire)):
        assert who.get(_listen_url(review)).status_code == 404


def test_a_recording_missing_from_private_storage_is_not_found_rather_than_an_error(review, coach_client):
    private.delete(review.recording.name)
    assert coach_client.get(_listen_url(review)).status_code == 404


# --- Moving files kept under MEDIA_ROOT before ---------------------------------------------------------


def _kept_as_before(review) -> bytes:
    """Put the review's recording back where recordings used to be kept: under MEDIA_ROOT, same name."""
    name = review.recording.name
    with private.open(name, "rb") as audio:
        content = audio.read()
    assert storages["default"].save(name, ContentFile(content)) == name
    private.delete(name)
    return content


def _move(*args: str) -> str:
    out = io.StringIO()
    call_command("move_private_files", *args, stdout=out)
    return out.getvalue()


def test_the_move_command_moves_old_recordings_out_of_media_root_and_changes_nothing_else(review, coach_client):
    content = _kept_as_before(review)
    public = storages["default"]
    left_behind = public.save("recordings/pending/left-behind.wav", ContentFile(b"RIFF and the rest"))
    avatar = public.save("avatars/face.png", ContentFile(b"not really a png"))
    row_before = CallReview.objects.values().get(pk=review.pk)
    assert coach_client.get(_listen_url(review)).status_code == 404  # not where the view looks, yet

    report = _move()
    assert f"{review.recording.name}: moved" in report and f"{left_behind}: moved" in report
    assert "2 files moved to private storage." in report
    assert _files_under(settings.MEDIA_ROOT) == [Path(avatar)]  # the avatar stays where it is served
    assert _files_under(_private_root()) == sorted([Path(review.recording.name), Path(left_behind)])
    with private.open(review.recording.name, "rb") as moved:
        assert moved.read() == content
    assert CallReview.objects.values().get(pk=review.pk) == row_before
    assert coach_client.get(_listen_url(review)).status_code == 200

    assert "Nothing to move" in _move()  # run again: nothing left, nothing touched
    assert _files_under(_private_root()) == sorted([Path(review.recording.name), Path(left_behind)])


def test_a_dry_run_reports_and_moves_nothing(review):
    _kept_as_before(review)
    report = _move("--dry-run")
    assert f"{review.recording.name}: would be moved" in report and "1 file would be moved" in report
    assert _files_under(settings.MEDIA_ROOT) == [Path(review.recording.name)]
    assert not private.exists(review.recording.name)


def test_a_copy_already_moved_is_removed_and_a_different_file_is_left_alone(review):
    name = review.recording.name
    public = storages["default"]
    with private.open(name, "rb") as audio:
        public.save(name, ContentFile(audio.read()))  # an earlier run copied it but stopped before deleting
    clash = "recordings/clash.wav"
    public.save(clash, ContentFile(b"the old file"))
    private.save(clash, ContentFile(b"another, longer file"))

    with pytest.raises(CommandError, match="1 file left under MEDIA_ROOT"):
        call_command("move_private_files", stdout=io.StringIO())
    assert _files_under(settings.MEDIA_ROOT) == [Path(clash)]
    with private.open(clash, "rb") as kept:
        assert kept.read() == b"another, longer file"


def test_checks_warn_of_recordings_under_media_root_and_refuse_a_private_folder_inside_it(settings):
    assert private_files_check() == []
    storages["default"].save("recordings/old.wav", ContentFile(b"RIFF"))
    assert [message.id for message in private_files_check()] == ["coaching.W001"]
    settings.PRIVATE_MEDIA_ROOT = str(Path(settings.MEDIA_ROOT) / "private")
    assert "coaching.E001" in [message.id for message in private_files_check()]


# --- In an S3-compatible bucket -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """PRIVATE_STORAGE=s3 against the S3 server, read from the environment by the base settings themselves."""
    environment = {
        "PRIVATE_STORAGE": "s3", "PRIVATE_S3_BUCKET": BUCKET, "PRIVATE_S3_ENDPOINT_URL": s3_endpoint,
        "PRIVATE_S3_REGION": "us-east-1", "PRIVATE_S3_ACCESS_KEY_ID": "testing",
        "PRIVATE_S3_SECRET_ACCESS_KEY": "testing",
    }  # fmt: skip
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    base = runpy.run_path(str(PROJECT / "config" / "settings" / "base.py"))
    settings.STORAGES = {**settings.STORAGES, "private": base["STORAGES"]["private"]}
    s3 = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    yield s3
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def _anonymous_get(address: str) -> int:
    try:
        with urllib.request.urlopen(address, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_in_s3_a_recording_is_stored_private_and_served_only_through_the_view(
    bucket, s3_endpoint, url, coach_client, hire_client, client, client_for, outsider_coach
):
    assert coach_client.post(url, review_form(recording=wav_upload())).status_code == 302
    review = CallReview.objects.get()
    key = review.recording.name
    stored = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored[:4] == b"RIFF"
    assert _files_under(settings.MEDIA_ROOT) == [] and _files_under(settings.PRIVATE_MEDIA_ROOT) == []

    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [(grant["Grantee"]["Type"], grant["Permission"]) for grant in grants] == [("CanonicalUser", "FULL_CONTROL")]
    with pytest.raises(ClientError, match="NoSuchBucketPolicy"):
        bucket.get_bucket_policy(Bucket=BUCKET)
    assert _anonymous_get(f"{s3_endpoint}/{BUCKET}/{key}") == 403
    bucket.put_object(Bucket=BUCKET, Key="public-control.txt", Body=b"public", ACL="public-read")
    assert _anonymous_get(f"{s3_endpoint}/{BUCKET}/public-control.txt") == 200  # the refusal above is the ACL's
    assert review.recording.url == ""

    served = coach_client.get(_listen_url(review))
    assert served.status_code == 200 and b"".join(served.streaming_content) == stored
    assert "no-store" in served["Cache-Control"] and served["Content-Disposition"].startswith("inline;")
    ranged = hire_client.get(_listen_url(review), HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and ranged.content == stored[:100]
    for who in (client, client_for(outsider_coach)):
        assert who.get(_listen_url(review)).status_code == 404


def test_in_s3_the_move_command_moves_an_old_recording_into_the_bucket(bucket, review, coach_client):
    content = _kept_as_before(review)
    key = review.recording.name
    with pytest.raises(ClientError):
        bucket.head_object(Bucket=BUCKET, Key=key)

    assert f"{key}: moved" in _move()
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == content
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert _files_under(settings.MEDIA_ROOT) == []
    assert coach_client.get(_listen_url(review)).status_code == 200
