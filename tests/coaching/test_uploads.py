"""Call recordings and transcripts are judged by what is inside them, never by their names."""

import io
import struct
import wave

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coaching.uploads import (
    NOT_A_RECORDING,
    RECORDING_MAX_BYTES,
    TRANSCRIPT_MAX_BYTES,
    Cue,
    format_timestamp,
    parse_timestamp,
    recording_check,
    recording_content_type,
    transcript_read,
)

# An MPEG-1 layer III frame header: 128 kbit/s, 44.1 kHz, no CRC; padded out to a full frame.
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413


def _wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()


def _mp3_bytes() -> bytes:
    id3_tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, 0])  # ID3v2.4, no flags, empty body
    return id3_tag + MP3_FRAME


def _ogg_bytes() -> bytes:
    # Page header: capture pattern, version 0, "first page" flag, granule, serial, sequence, CRC, one segment.
    header = b"OggS" + struct.pack("<BBqIIIB", 0, 0x02, 0, 1, 0, 0, 1) + bytes([30])
    return header + b"\x01vorbis" + b"\x00" * 23


def _m4a_bytes() -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftyp" + b"M4A " + struct.pack(">I", 0) + b"M4A " + b"isom"
    return ftyp + struct.pack(">I", 8) + b"mdat"


class _Unreadable(io.BytesIO):
    """File contents that fail the test if anything reads them."""

    def read(self, *args):
        pytest.fail("an oversized upload was read")


def _png_bytes() -> bytes:
    from tests.images import image_upload

    return image_upload("x.png").read()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("call.wav", _wav_bytes(), "wav"),
        ("call.mp3", _mp3_bytes(), "mp3"),
        ("call.mp3", MP3_FRAME * 2, "mp3"),
        ("call.ogg", _ogg_bytes(), "ogg"),
        ("call.m4a", _m4a_bytes(), "m4a"),
    ],
)
def test_each_recording_format_is_recognised_from_its_header(name, content, expected):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    assert recording_check(upload) == expected
    assert upload.tell() == 0  # rewound, ready to be saved


def test_the_format_comes_from_the_content_not_the_name():
    assert recording_check(SimpleUploadedFile("call.txt", _wav_bytes(), content_type="text/plain")) == "wav"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("call.mp3", b"Customer: hi, I need narrow shoes for a wedding.\n", "audio/mpeg"),
        ("call.wav", None, "audio/wav"),  # a PNG, filled in below
        ("call.mp3", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", "audio/mpeg"),
        ("call.m4a", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "audio/mp4"),
        ("call.ogg", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20, "audio/ogg"),
        ("call.mp3", b"ID3 tags are described in this note.", "audio/mpeg"),
        ("call.mp3", b"\xff\xf1\x50\x80\x00\x1f\xfc" + b"\x00" * 20, "audio/mpeg"),  # AAC in ADTS, not MP3
        ("call.m4a", struct.pack(">I", 20) + b"ftypqt  " + b"\x00" * 12, "audio/mp4"),  # a QuickTime movie
        ("call.wav", b"RIFF\x24\x00\x00\x00AVI LIST", "audio/wav"),
    ],
)
def test_anything_else_is_refused_whatever_it_is_called(name, content, content_type):
    upload = SimpleUploadedFile(name, content if content is not None else _png_bytes(), content_type=content_type)

    with pytest.raises(ValidationError) as caught:
        recording_check(upload)

    assert caught.value.messages == [NOT_A_RECORDING]
    assert caught.value.code == "not_a_recording"
    assert upload.tell() == 0


def test_an_oversized_recording_is_refused_before_it_is_read():
    upload = SimpleUploadedFile("long-call.mp3", _mp3_bytes(), content_type="audio/mpeg")
    upload.size = RECORDING_MAX_BYTES + 1
    upload.file = _Unreadable(upload.file.getvalue())

    with pytest.raises(ValidationError) as caught:
        recording_check(upload)

    assert caught.value.code == "too_large"
    assert "50.0\xa0MB" in caught.value.messages[0]  # filesizeformat keeps number and unit together


def test_a_recording_at_the_limit_is_accepted():
    upload = SimpleUploadedFile("call.wav", _wav_bytes(), content_type="audio/wav")
    upload.size = RECORDING_MAX_BYTES

    assert recording_check(upload) == "wav"


def test_an_empty_recording_is_refused():
    with pytest.raises(ValidationError) as caught:
        recording_check(SimpleUploadedFile("call.mp3", b"", content_type="audio/mpeg"))

    assert caught.value.code == "empty"


def test_each_format_has_its_content_type():
    assert [recording_content_type(f) for f in ("mp3", "wav", "ogg", "m4a")] == [
        "audio/mpeg",
        "audio/wav",
        "audio/ogg",
        "audio/mp4",
    ]
    with pytest.raises(ValueError):
        recording_content_type("exe")


# Transcripts


def _transcript(content: str | bytes, name: str = "call.txt") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/plain")


VTT = """WEBVTT - review of a wedding-shoes call

STYLE
::cue { color: yellow }

NOTE the caller agreed to recording

intro
00:00:01.000 --> 00:00:04.000 align:start
<v Customer>Hi, I need narrow shoes for a <b>wedding</b>.</v>

00:02:13.500 --> 00:02:18.000
<v.rep Maya>Narrows are the <i>worst</i>! My aunt says the same.
<v Customer>Ha, she's right &amp; so am I.

00:03:00.000 --> 00:03:02.000
<c.aside>Maya: I'll upgrade the shipping.</c>
"""


def test_a_webvtt_transcript_keeps_speakers_and_times_and_drops_the_markup():
    text, cues = transcript_read(_transcript(VTT, name="call.txt"))

    assert cues == [
        Cue(1, "Customer", "Hi, I need narrow shoes for a wedding."),
        Cue(133, "Maya", "Narrows are the worst! My aunt says the same."),
        Cue(133, "Customer", "Ha, she's right & so am I."),
        Cue(180, "Maya", "I'll upgrade the shipping."),
    ]
    assert text == (
        "[00:01] Customer: Hi, I need narrow shoes for a wedding.\n"
        "[02:13] Maya: Narrows are the worst! My aunt says the same.\n"
        "[02:13] Customer: Ha, she's right & so am I.\n"
        "[03:00] Maya: I'll upgrade the shipping."
    )
    for leftover in ("WEBVTT", "-->", "STYLE", "NOTE", "<v", "<b>", "</c>"):
        assert leftover not in text


SRT = """1
00:00:05,000 --> 00:00:08,000
{\\an8}<i>Customer:</i> I'm calling about my husband's order.

2
00:01:02,250 --> 00:01:06,000
<font color="#ffff00">Rep: I'm so sorry for your loss.</font>
Let me take care of that for you.

3
01:00:10,000 --> 01:00:12,000
No speaker on this one.
"""


def test_an_srt_transcript_drops_numbers_timings_and_styling():
    text, cues = transcript_read(_transcript(SRT, name="call.vtt"))

    assert cues == [
        Cue(5, "Customer", "I'm calling about my husband's order."),
        Cue(62, "Rep", "I'm so sorry for your loss. Let me take care of that for you."),
        Cue(3610, "", "No speaker on this one."),
    ]
    assert text.splitlines()[-1] == "[1:00:10] No speaker on this one."


def test_an_srt_with_windows_line_endings_reads_the_same():
    assert transcript_read(_transcript(SRT.replace("\n", "\r\n")))[1] == transcript_read(_transcript(SRT))[1]


PLAIN = """[00:05] Customer: Hi, my dog is barking, sorry!
01:10 Rep: No worries, what's their name?

Customer: Biscuit.
1:02:13 Rep: Anything else I can do today?
[75:30]
Customer: That's all, thank you.
Just a line with 10:30 inside it.
"""


def test_a_plain_transcript_gives_one_cue_per_line_with_any_leading_time():
    text, cues = transcript_read(_transcript(PLAIN, name="call.srt"))

    assert cues == [
        Cue(5, "Customer", "Hi, my dog is barking, sorry!"),
        Cue(70, "Rep", "No worries, what's their name?"),
        Cue(None, "Customer", "Biscuit."),
        Cue(3733, "Rep", "Anything else I can do today?"),
        Cue(4530, "Customer", "That's all, thank you."),  # a time alone on its line starts the next one
        Cue(None, "", "Just a line with 10:30 inside it."),
    ]
    assert text == PLAIN.strip("\n")


def test_the_display_text_of_a_subtitle_file_reads_back_into_the_same_cues():
    text, cues = transcript_read(_transcript(VTT))

    assert transcript_read(_transcript(text))[1] == cues


def test_a_byte_order_mark_is_not_part_of_the_text():
    _, plain_cues = transcript_read(_transcript(b"\xef\xbb\xbf[00:05] Customer: Hi"))
    _, vtt_cues = transcript_read(_transcript(b"\xef\xbb\xbf" + VTT.encode()))

    assert plain_cues == [Cue(5, "Customer", "Hi")]
    assert vtt_cues[0] == Cue(1, "Customer", "Hi, I need narrow shoes for a wedding.")


def test_html_in_a_transcript_comes_back_as_the_same_literal_text():
    hostile = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"

    text, cues = transcript_read(_transcript(f"[00:07] {hostile}\n"))
    assert cues == [Cue(7, "", hostile)]
    assert hostile in text

    vtt = f"WEBVTT\n\n00:00:07.000 --> 00:00:09.000\n<v Customer>{hostile}\n"
    text, cues = transcript_read(_transcript(vtt))
    # Only subtitle styling is removed; the "&" is a bare ampersand, not an entity, so it stays too.
    assert cues == [Cue(7, "Customer", hostile)]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Customer: hi\x00\x00\x00\x00", "binary"),
        ("Customer: café".encode("latin-1"), "not_utf8"),
        ("Customer: hi".encode("utf-16"), "not_utf8"),
        (b"", "empty"),
        (b"  \n\n\t\n", "empty"),
        (b"WEBVTT\n\nNOTE nothing was said\n", "empty"),
    ],
)
def test_files_that_are_not_usable_text_are_refused_with_the_reason(content, code):
    upload = _transcript(content)

    with pytest.raises(ValidationError) as caught:
        transcript_read(upload)

    assert caught.value.code == code
    assert upload.tell() == 0


def test_an_oversized_transcript_is_refused_before_it_is_read():
    upload = _transcript("Customer: hi")
    upload.size = TRANSCRIPT_MAX_BYTES + 1
    upload.file = _Unreadable(upload.file.getvalue())

    with pytest.raises(ValidationError) as caught:
        transcript_read(upload)

    assert caught.value.code == "too_large"


def test_a_transcript_larger_than_it_claims_is_still_refused():
    upload = _transcript(b"a" * (TRANSCRIPT_MAX_BYTES + 10))
    upload.size = 10

    with pytest.raises(ValidationError) as caught:
        transcript_read(upload)

    assert caught.value.code == "too_large"


# Timestamps


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("02:13", 133), ("2:13", 133), ("1:02:13", 3733), ("133", 133), ("0", 0), ("75:30", 4530), (" 00:05 ", 5)],
)
def test_timestamps_are_read_as_seconds_into_the_call(text, seconds):
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "-5", "-01:00", "1:60:00", "02:60", "2:3", "ab:cd", "2m13s", "02:13.5", "1:2:13", "9" * 5000]
)
def test_anything_else_is_not_a_timestamp(text):
    with pytest.raises(ValidationError) as caught:
        parse_timestamp(text)

    assert caught.value.code == "bad_timestamp"


@pytest.mark.parametrize(("seconds", "text"), [(0, "00:00"), (5, "00:05"), (133, "02:13"), (3733, "1:02:13")])
def test_seconds_are_written_as_a_timestamp(seconds, text):
    assert format_timestamp(seconds) == text


@pytest.mark.parametrize("seconds", [0, 59, 60, 133, 3599, 3600, 3733, 36_000 + 17])
def test_timestamps_round_trip(seconds):
    assert parse_timestamp(format_timestamp(seconds)) == seconds


def test_a_negative_time_cannot_be_written():
    with pytest.raises(ValueError):
        format_timestamp(-1)
