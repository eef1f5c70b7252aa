"""Call recordings and transcripts a coach attaches to a call review.

Both are judged by what is inside the file, never by its name or the browser's content
type: a renamed PDF is not a recording. Sizes are checked before anything is read, and
every read rewinds the upload so it can still be saved afterwards.

Transcripts come back as plain text. Nothing here produces HTML: a transcript saying
"<script>" is a transcript that says "<script>", and the page escapes it like any text.
"""

import math
import re
import wave
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

RECORDING_MAX_BYTES = 50 * 1024 * 1024
TRANSCRIPT_MAX_BYTES = 2 * 1024 * 1024

NOT_A_RECORDING = "This file is not an MP3, WAV, OGG or M4A recording."
_HEAD_BYTES = 64  # every header below is recognised within the first few bytes

_CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "m4a": "audio/mp4"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"isom", b"mp41", b"MSNV", b"dash"}


def _too_large(size: int, limit: int, label: str) -> ValidationError:
    return ValidationError(
        "This file is %(size)s; %(label)s may be at most %(limit)s.",
        code="too_large",
        params={"size": filesizeformat(size), "limit": filesizeformat(limit), "label": label},
    )


def _read_start(upload, n: int) -> bytes:
    upload.seek(0)
    try:
        return upload.read(n)
    finally:
        upload.seek(0)


def _is_id3(head: bytes) -> bool:
    # "ID3", a version we know, then a size whose four bytes each keep the top bit clear.
    return (
        len(head) >= 10
        and head[:3] == b"ID3"
        and head[3] in (2, 3, 4)
        and head[4] != 0xFF
        and all(byte < 0x80 for byte in head[6:10])
    )


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG layer III frame header, with none of its fields set to a reserved value."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    emphasis = head[3] & 0b11
    return version != 0b01 and layer == 0b01 and bitrate != 0b1111 and sample_rate != 0b11 and emphasis != 0b10


def _is_m4a(head: bytes) -> bool:
    if len(head) < 16 or head[4:8] != b"ftyp" or head[8:12] not in _M4A_BRANDS:
        return False
    box_size = int.from_bytes(head[:4], "big")
    return box_size >= 16 and box_size % 4 == 0  # major brand, minor version, then 4-byte brands


def _audio_format(head: bytes) -> str | None:
    if _is_id3(head) or _is_mpeg_audio_frame(head):
        return "mp3"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if len(head) >= 5 and head[:4] == b"OggS" and head[4] == 0:  # 0: the only Ogg version there is
        return "ogg"
    if _is_m4a(head):
        return "m4a"
    return None


def recording_check(upload) -> str:
    """Validate an uploaded call recording by its content; return "mp3", "wav", "ogg" or "m4a"."""
    size = upload.size
    if size > RECORDING_MAX_BYTES:
        raise _too_large(size, RECORDING_MAX_BYTES, "a call recording")
    if not size:
        raise ValidationError("This file is empty. Please choose the call recording again.", code="empty")
    audio_format = _audio_format(_read_start(upload, _HEAD_BYTES))
    if audio_format is None:
        raise ValidationError(NOT_A_RECORDING, code="not_a_recording")
    return audio_format


def recording_seconds(upload, audio_format: str) -> int | None:
    """How long a checked recording lasts, in whole seconds, where the format tells us without a
    decoder (WAV); None when it cannot be read from the file."""
    if audio_format != "wav":
        return None
    upload.seek(0)
    try:
        with wave.open(upload, "rb") as audio:
            rate = audio.getframerate()
            return math.ceil(audio.getnframes() / rate) if rate else None
    except (wave.Error, EOFError, ValueError):
        return None
    finally:
        upload.seek(0)


def recording_content_type(audio_format: str) -> str:
    """The content type to serve a checked recording with."""
    try:
        return _CONTENT_TYPES[audio_format]
    except KeyError:
        raise ValueError(f"Unknown recording format: {audio_format!r}") from None


# Timestamps


_TIMESTAMP_HMS = re.compile(r"([0-9]{1,3}):([0-9]{2}):([0-9]{2})")
_TIMESTAMP_MS = re.compile(r"([0-9]{1,4}):([0-9]{2})")
_TIMESTAMP_S = re.compile(r"[0-9]{1,6}")  # bounded, so a wall of digits is refused rather than converted


def parse_timestamp(value: str) -> int:
    """Seconds into the call: "02:13" → 133, "1:02:13" → 3733, "133" → 133."""
    text = value.strip()
    if match := _TIMESTAMP_HMS.fullmatch(text):
        hours, minutes, seconds = (int(part) for part in match.groups())
        if minutes < 60 and seconds < 60:
            return hours * 3600 + minutes * 60 + seconds
    elif match := _TIMESTAMP_MS.fullmatch(text):
        # Without hours the minutes may run past 60: calls last as long as the customer needs.
        minutes, seconds = (int(part) for part in match.groups())
        if seconds < 60:
            return minutes * 60 + seconds
    elif _TIMESTAMP_S.fullmatch(text):
        return int(text)
    raise ValidationError(
        "“%(value)s” is not a time in the call. Write it as mm:ss (02:13), h:mm:ss (1:02:13) or seconds (133).",
        code="bad_timestamp",
        params={"value": text[:20]},
    )


# Durations, as people type them


_NUMBER_WORDS = {
    "a": 1, "an": 1, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
               "ninety": 90}  # fmt: skip
_UNIT_SECONDS = {
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
}  # fmt: skip
_DURATION_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[a-z]+")
DURATION_MAX_CHARS = 60
DURATION_FORMS = "7:30, 1:02:15, 450 (seconds), 7 min, 7 minutes 30 seconds, 90 s, 1h 2m or seven minutes"


def _bad_duration(text: str) -> ValidationError:
    return ValidationError(
        "“%(value)s” is not a length of call we can read. Write it like %(forms)s.",
        code="bad_duration",
        params={"value": text[:DURATION_MAX_CHARS], "forms": DURATION_FORMS},
    )


def _spelled_number(words: list[str]) -> int | None:
    """ "seven" → 7, "twenty five" → 25, "an" → 1; None when the words are not a small number."""
    if len(words) == 1:
        word = words[0]
        return _NUMBER_WORDS.get(word, _TENS_WORDS.get(word))
    if len(words) == 2 and words[0] in _TENS_WORDS and words[1] in _NUMBER_WORDS and 0 < _NUMBER_WORDS[words[1]] < 10:
        return _TENS_WORDS[words[0]] + _NUMBER_WORDS[words[1]]
    return None


def parse_duration(value: str) -> int:
    """How long a call lasted, in seconds, from what a person typed: "7:30" → 450, "1:02:15" → 3735,
    "450" → 450, "7 min" → 420, "seven minutes" → 420, "90 s" → 90, "1h 2m" → 3720, "7.5 minutes" → 450."""
    text = " ".join(value.strip().lower().split())
    if not text or len(text) > DURATION_MAX_CHARS:
        raise _bad_duration(value.strip())
    try:
        return parse_timestamp(text)
    except ValidationError:
        pass
    tokens = _DURATION_TOKEN.findall(text.replace("-", " "))
    leftover = _DURATION_TOKEN.sub("", text.replace("-", " ")).replace(",", "").replace(" ", "")
    if leftover or not tokens:
        raise _bad_duration(value.strip())
    total, pending, seen_units = 0.0, [], set()
    for token in tokens:
        if token == "and":
            continue
        unit = _UNIT_SECONDS.get(token)
        if unit is None:
            pending.append(token)
            continue
        if not pending or unit in seen_units:
            raise _bad_duration(value.strip())
        if len(pending) == 1 and pending[0][0].isdigit():
            amount = float(pending[0].replace(",", "."))
        else:
            amount = _spelled_number(pending)
        if amount is None:
            raise _bad_duration(value.strip())
        total += amount * unit
        seen_units.add(unit)
        pending = []
    if pending:  # "7 minutes 30" reads as 7 minutes and 30 seconds
        if len(pending) == 1 and pending[0].isdigit() and seen_units == {60}:
            total += int(pending[0])
        else:
            raise _bad_duration(value.strip())
    return round(total)


def format_timestamp(seconds: int) -> str:
    """133 → "02:13", 3733 → "1:02:13"."""
    if seconds < 0:
        raise ValueError("A time in the call cannot be negative.")
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


# Transcripts


@dataclass(frozen=True)
class Cue:
    start_seconds: int | None
    speaker: str
    text: str


_CUE_TIMING = re.compile(r"^\s*((?:[0-9]+:)?[0-9]{1,2}:[0-9]{2})[.,][0-9]{1,3}\s*-->")
_SRT_START = re.compile(r"\A\s*[0-9]+[ \t]*\n[ \t]*[0-9]{1,2}:[0-9]{2}:[0-9]{2},[0-9]{1,3}[ \t]*-->")
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+([^>\n]*)>")
# Only the markup subtitle formats define is removed; any other "<tag>" is somebody's words.
_STYLING = re.compile(
    r"</?(?:v|c|b|i|u|ruby|rt|lang)(?:[.\s][^>\n]*)?>"
    r"|</?font(?:\s[^>\n]*)?>"
    r"|<(?:[0-9]+:)?[0-9]{2}:[0-9]{2}\.[0-9]{3}>"
    r"|\{\\[^}\n]*\}"
)
_VTT_ENTITIES = re.compile(r"&(amp|lt|gt|nbsp|lrm|rlm);")
_VTT_ENTITY_TEXT = {"amp": "&", "lt": "<", "gt": ">", "nbsp": "\u00a0", "lrm": "\u200e", "rlm": "\u200f"}
# "Customer: ..." or "SPEAKER_01: ...": up to three capitalised words, so a sentence with a colon stays a sentence.
_NAME_PREFIX = re.compile(r"((?:[A-Z][\w'.-]*|[0-9]+)(?: (?:[A-Z][\w'.-]*|[0-9]+)){0,2}):\s+(\S.*)")
_LEADING_TIME = re.compile(
    r"(?:\[\s*([0-9]{1,3}(?::[0-9]{2}){1,2})(?:[.,][0-9]{1,3})?\s*\]|([0-9]{1,3}(?::[0-9]{2}){1,2})(?=\s|$))"
    r"\s*[-–—]?\s*(.*)"
)


def _speaker_split(text: str) -> tuple[str, str]:
    if match := _NAME_PREFIX.fullmatch(text):
        return match.group(1), match.group(2)
    return "", text


def _optional_seconds(value: str) -> int | None:
    try:
        return parse_timestamp(value)
    except ValidationError:
        return None


def _subtitle_cues(text: str, *, is_vtt: bool) -> list[Cue]:
    cues: list[Cue] = []
    for block in _BLOCK_BREAK.split(text):
        lines = block.split("\n")
        timing_at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing_at is None:
            continue  # the WEBVTT header, NOTE, STYLE and REGION blocks
        timing = _CUE_TIMING.match(lines[timing_at])
        start = _optional_seconds(timing.group(1)) if timing else None
        # A cue may hold several voices, one per line; a line without one carries on the last.
        speaker, words = "", []
        for line in lines[timing_at + 1 :]:
            voice = _VOICE.search(line)
            plain = " ".join(_STYLING.sub("", line).split())
            if is_vtt:
                plain = _VTT_ENTITIES.sub(lambda m: _VTT_ENTITY_TEXT[m.group(1)], plain)
            if not plain:
                continue
            line_speaker = voice.group(1).strip() if voice else ""
            if not line_speaker:
                line_speaker, plain = _speaker_split(plain)
            if line_speaker and words:
                cues.append(Cue(start, speaker, " ".join(words)))
                words = []
            speaker = line_speaker or speaker
            words.append(plain)
        if words:
            cues.append(Cue(start, speaker, " ".join(words)))
    return cues


def _plain_cues(text: str) -> list[Cue]:
    cues: list[Cue] = []
    pending_start = None  # a time on a line of its own belongs to the line after it
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        start = None
        if match := _LEADING_TIME.fullmatch(line):
            start = _optional_seconds(match.group(1) or match.group(2))
            if start is not None:
                line = match.group(3)
                if not line:
                    pending_start = start
                    continue
        if start is None:
            start, pending_start = pending_start, None
        speaker, words = _speaker_split(line)
        cues.append(Cue(start, speaker, words))
    return cues


def _cue_line(cue: Cue) -> str:
    when = f"[{format_timestamp(cue.start_seconds)}] " if cue.start_seconds is not None else ""
    who = f"{cue.speaker}: " if cue.speaker else ""
    return f"{when}{who}{cue.text}"


def _decode_transcript(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(
            "This transcript is saved as UTF-16. Save it as UTF-8 text and upload it again.", code="not_utf8"
        )
    if b"\x00" in data:
        raise ValidationError(
            "This file contains binary data, not text. Upload the transcript as a .txt, .vtt or .srt file.",
            code="binary",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "This transcript is not UTF-8 text (the first problem is at byte %(position)s). "
            "Save it as UTF-8 and upload it again.",
            code="not_utf8",
            params={"position": exc.start},
        ) from exc


def transcript_read(upload) -> tuple[str, list[Cue]]:
    """Read a .txt, .vtt or .srt transcript; return (plain text for display, cues with their start times).

    Subtitle files come back as one "[mm:ss] Speaker: text" line per cue, the same shape a plain
    transcript is read in, so the display text reads back into the same cues.
    """
    size = upload.size
    if size > TRANSCRIPT_MAX_BYTES:
        raise _too_large(size, TRANSCRIPT_MAX_BYTES, "a transcript")
    data = _read_start(upload, TRANSCRIPT_MAX_BYTES + 1)
    if len(data) > TRANSCRIPT_MAX_BYTES:  # the declared size was wrong: trust what was read
        raise _too_large(len(data), TRANSCRIPT_MAX_BYTES, "a transcript")
    text = _decode_transcript(data).replace("\r\n", "\n").replace("\r", "\n")

    is_vtt = re.match(r"WEBVTT(?:[ \t\n]|$)", text) is not None
    if is_vtt or _SRT_START.match(text):
        cues = _subtitle_cues(text, is_vtt=is_vtt)
        display = "\n".join(_cue_line(cue) for cue in cues)
    else:
        cues = _plain_cues(text)
        display = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    if not cues:
        raise ValidationError("This transcript has no words in it.", code="empty")
    return display, cues
