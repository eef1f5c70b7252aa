"""A person's data: everything the academy holds about one person, to hand over (export) or to erase.

What belongs to a person is found by walking the models, not listed by hand, so a new model is covered
without a change here:

- every row with a foreign key to the person (what they own, wrote or did: their enrollments, tokens and
  notifications, a coach's grades, an admin's decisions on behalf of someone);
- every row reached from their enrollments (Enrollment.hire) through foreign keys, however deep: their
  attempts and turns, the grades, comments, disputes and replies on them, call reviews and their moments,
  checkpoints, decisions and certificates, readiness, retention checks. These rows are *about* the person.

Erasing keeps every row (enrollments, levels, choices, statuses: what cohort figures are made of) and clears
what could name the person: their account's name and address, the free text of every row about them and of
the rows they own, the files of the rows about them (call recordings), their avatar, tokens and sessions.
"""

import datetime
import io
import json
import posixpath
import zipfile
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import ApiToken, PersonErasure, Role, User
from accounts.permissions import is_admin
from common.versioned_cache import rows_changed

# Never exported: what would let someone sign in or act as the person.
SECRET_FIELDS = frozenset({"password", "digest", "salt", "token_key", "key", "session_key", "session_data"})
# Rows of no one in particular, or handled on their own (sign-in attempts are matched by address).
SKIPPED_MODELS = frozenset({"sessions.session", "accounts.personerasure"})
# A direct link through one of these fields makes the row the person's own (their words, their settings);
# through any other (coach, admin, actor, *_by) the person acted on someone else's record, which stays as it is.
OWNER_FIELDS = frozenset({"hire", "user", "author", "recipient", "decided_by"})
# A CharField this long, without choices, holds words someone typed.
FREE_TEXT_MIN_LENGTH = 200
# Kept as written: the admin site's log of changes (what was changed, and to which row) is not the person's words.
TEXT_KEPT_MODELS = frozenset({"admin.logentry"})


class ErasureRefused(ValidationError):
    pass


@dataclass
class PersonRecords:
    user: User
    rows: dict[str, list[models.Model]] = field(default_factory=dict)  # "app.model" -> rows, by id
    about: set[tuple[str, int]] = field(default_factory=set)  # rows reached through the person's enrollments
    owned: set[tuple[str, int]] = field(default_factory=set)  # rows linked to the person by an owner field

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def counts(self) -> dict[str, int]:
        return {label: len(rows) for label, rows in sorted(self.rows.items())}


def _label(model) -> str:
    return model._meta.label_lower


def _child_links(model) -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every foreign key or one-to-one field pointing at `model`."""
    links = []
    for relation in model._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        child = relation.related_model
        if child._meta.auto_created or _label(child) in SKIPPED_MODELS or child._meta.proxy:
            continue
        links.append((child, relation.field.name))
    return links


def person_records(*, user: User) -> PersonRecords:
    """Every row about or belonging to this person (see the module docstring)."""
    found = PersonRecords(user=user)
    seen: set[tuple[str, int]] = {(_label(User), user.pk)}

    def add(rows, *, kind: set | None = None) -> list[models.Model]:
        new = []
        for row in rows:
            key = (_label(type(row)), row.pk)
            if kind is not None:
                kind.add(key)
            if key in seen:
                continue
            seen.add(key)
            found.rows.setdefault(key[0], []).append(row)
            new.append(row)
        return new

    found.rows[_label(User)] = [user]
    enrollments = []
    for child, name in _child_links(User):
        rows = list(child._base_manager.filter(**{name: user.pk}).order_by("pk"))
        add(rows, kind=found.owned if name in OWNER_FIELDS else None)
        if name == "hire" and _label(child) == "courses.enrollment":
            enrollments = rows
            found.about.update((_label(child), row.pk) for row in rows)
    # Everything reached from the enrollments, level by level.
    frontier: dict[type[models.Model], list[int]] = {}
    if enrollments:
        frontier[type(enrollments[0])] = [enrollment.pk for enrollment in enrollments]
    while frontier:
        following: dict[type[models.Model], list[int]] = {}
        for parent, pks in frontier.items():
            for child, name in _child_links(parent):
                rows = list(child._base_manager.filter(**{f"{name}__in": pks}).order_by("pk"))
                for row in rows:
                    found.about.add((_label(child), row.pk))
                for row in add(rows):
                    following.setdefault(child, []).append(row.pk)
        frontier = following
    for rows in found.rows.values():
        rows.sort(key=lambda row: row.pk)
    return found


# --- Export -----------------------------------------------------------------------------------------------


def _exported_fields(model) -> list[str]:
    names = [f.name for f in model._meta.local_fields if not f.primary_key]
    names += [f.name for f in model._meta.local_many_to_many]
    return [name for name in names if name not in SECRET_FIELDS]


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _files_of(records: PersonRecords):
    """(row, field, name) for the person's files: their avatar, and the files of the rows about them."""
    for label, rows in records.rows.items():
        for row in rows:
            if label != _label(User) and (label, row.pk) not in records.about:
                continue
            for file_field in _file_fields(type(row)):
                stored = getattr(row, file_field.name)
                if stored and stored.name:
                    yield row, file_field, stored.name


def person_export(*, user: User, admin: User, now: datetime.datetime | None = None) -> bytes:
    """A zip holding person.json (every row about or belonging to the person, secrets left out) and their files."""
    now = now or timezone.now()
    records = person_records(user=user)
    buffer = io.BytesIO()
    files, missing = [], []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row, file_field, name in _files_of(records):
            label = _label(type(row))
            path = f"files/{label}/{row.pk}/{file_field.name}/{posixpath.basename(name)}"
            entry = {"record": label, "pk": row.pk, "field": file_field.name, "path": path}
            try:
                with file_field.storage.open(name, "rb") as source:
                    archive.writestr(path, source.read())
            except (FileNotFoundError, OSError):
                missing.append({**entry, "path": None, "name": name})
                continue
            files.append(entry)
        data = {
            "person": {"id": user.pk, "email": user.email, "display_name": user.display_name, "role": user.role},
            "exported_at": now.isoformat(),
            "exported_by": {"id": admin.pk, "email": admin.email},
            "counts": records.counts(),
            "records": {
                label: json.loads(serializers.serialize("json", rows, fields=_exported_fields(type(rows[0]))))
                for label, rows in sorted(records.rows.items())
            },
            "files": files,
            "missing_files": missing,
        }
        archive.writestr("person.json", json.dumps(data, indent=2, ensure_ascii=False))
    return buffer.getvalue()


# --- Erasure ----------------------------------------------------------------------------------------------


def _free_text_fields(model) -> list[str]:
    names = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.is_relation or f.unique or f.name in SECRET_FIELDS:
            continue
        if isinstance(f, models.TextField) or (
            isinstance(f, models.CharField) and not f.choices and (f.max_length or 0) >= FREE_TEXT_MIN_LENGTH
        ):
            names.append(f.attname)
    return names


@dataclass
class ErasurePlan:
    user: User
    records: PersonRecords
    text: dict[str, tuple[list[str], list[int]]]  # label -> (fields to clear, ids of rows with text in them)
    files: list[tuple[models.Model, models.FileField, str]]
    api_tokens: int
    sessions: list[str]
    sign_in_records: int

    def counts(self) -> dict[str, int]:
        counts = {f"text cleared: {label}": len(pks) for label, (_, pks) in sorted(self.text.items()) if pks}
        counts.update(
            files=len(self.files), api_tokens=self.api_tokens, sessions=len(self.sessions),
            sign_in_records=self.sign_in_records, rows_kept=self.records.count(),
        )  # fmt: skip
        return counts


def _sessions_of(user: User) -> list[str]:
    keys = []
    for session in Session.objects.filter(expire_date__gte=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            keys.append(session.session_key)
    return keys


def _sign_in_models() -> list[type[models.Model]]:
    """Records of sign-in attempts kept by address (the lockout), which name the person."""
    if not apps.is_installed("axes"):
        return []
    return [m for m in apps.get_app_config("axes").get_models() if "username" in {f.name for f in m._meta.fields}]


def erasure_plan(*, user: User) -> ErasurePlan:
    """What erasing this person would clear, delete and end (nothing is changed)."""
    records = person_records(user=user)
    text: dict[str, tuple[list[str], list[int]]] = {}
    for label, rows in records.rows.items():
        if label == _label(User) or label in TEXT_KEPT_MODELS:
            continue
        fields = _free_text_fields(type(rows[0]))
        targets = [row for row in rows if (label, row.pk) in records.about or (label, row.pk) in records.owned]
        if not fields or not targets:
            continue
        text[label] = (fields, [row.pk for row in targets if any(getattr(row, name) for name in fields)])
    sign_ins = sum(m._default_manager.filter(username__iexact=user.email).count() for m in _sign_in_models())
    return ErasurePlan(
        user=user, records=records, text=text, files=list(_files_of(records)),
        api_tokens=ApiToken.objects.filter(user=user).count(), sessions=_sessions_of(user),
        sign_in_records=sign_ins,
    )  # fmt: skip


def erasure_refusal(*, user: User, admin: User) -> str | None:
    """Why this person may not be erased by this admin, or None."""
    if PersonErasure.objects.filter(subject_id=user.pk).exists():
        return f"Person #{user.pk} has already been erased."
    if user.pk == admin.pk:
        return "You cannot erase yourself; another admin can."
    if is_admin(user):
        others = User.objects.filter(is_active=True).exclude(pk=user.pk)
        if not others.filter(models.Q(role=Role.ADMIN) | models.Q(is_superuser=True)).exists():
            return f"{user} is the last active admin; make someone else an admin first."
    return None


def _delete_files(names: list[tuple[object, str]]) -> None:
    for storage, name in names:
        storage.delete(name)


def person_erase(*, user: User, admin: User, confirmation: str) -> PersonErasure:
    """Erase a person: anonymise the account, clear the free text and files about them, end their tokens and
    sessions; keep every row that counts. `confirmation` must be the person's email address. All or nothing;
    the files go once the rest is committed."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        refusal = erasure_refusal(user=user, admin=admin)
        if refusal:
            raise ErasureRefused(refusal)
        if (confirmation or "").strip().lower() != user.email.lower():
            raise ErasureRefused(f"Type {user.email} to confirm: it does not match.", code="confirmation")
        plan = erasure_plan(user=user)
        counts = plan.counts()
        for label, (fields, pks) in plan.text.items():
            if pks:
                model = apps.get_model(label)
                rows_changed(model, pks)  # cached pages showing the text read it again
                model._base_manager.filter(pk__in=pks).update(**dict.fromkeys(fields, ""))
        doomed: list[tuple[object, str]] = []
        for row, file_field, name in plan.files:
            doomed.append((file_field.storage, name))
            if not isinstance(row, User):
                rows_changed(type(row), [row.pk])
                type(row)._base_manager.filter(pk=row.pk).update(**{file_field.attname: ""})
        ApiToken.objects.filter(user=user).delete()
        session_store = import_module(settings.SESSION_ENGINE).SessionStore
        for session_key in plan.sessions:
            session_store(session_key).delete()  # the cached copy too, not only the row
        for model in _sign_in_models():
            model._default_manager.filter(username__iexact=user.email).delete()
        user.display_name = f"Erased person #{user.pk}"
        user.email = f"erased-{user.pk}@invalid"
        user.avatar = ""
        user.avatar_thumbnail = ""
        user.set_unusable_password()
        user.is_active = False
        user.is_lead_coach = False
        user.signed_out_everywhere_at = timezone.now()
        user.save()
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)).update(
            object_repr=user.display_name
        )
        erasure = PersonErasure.objects.create(subject_id=user.pk, admin=admin, counts=counts)
        transaction.on_commit(lambda: _delete_files(doomed))
    return erasure
