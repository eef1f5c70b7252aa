import copy
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from courses.curriculum_loader import CurriculumFileError, curriculum_load
from courses.models import Choice, Curriculum, Lesson, Question
from tests.factories import CohortFactory
from tests.images import image_upload

pytestmark = pytest.mark.django_db

DEFAULT = Path(__file__).resolve().parents[2] / "courses" / "data" / "default_curriculum.yaml"


@pytest.fixture(scope="module")
def default_file_data() -> dict:
    return yaml.safe_load(DEFAULT.read_text())


@pytest.fixture
def default_data(default_file_data) -> dict:
    data = copy.deepcopy(default_file_data)
    data["roleplays"] = str(DEFAULT.parent / data["roleplays"])  # the copy is written elsewhere
    return data


def _write(tmp_path: Path, data: dict, name: str = "curriculum.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def _table_sizes() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Curriculum, Lesson, Question, Choice))


def test_the_shipped_curriculum_loads_and_loading_again_changes_nothing():
    first = curriculum_load(DEFAULT)
    assert first.created and first.counts["weeks"] == 6
    assert first.counts["lessons"] >= 30
    assert first.counts["knowledge checks"] == 6
    lesson_ids = list(Lesson.objects.values_list("id", flat=True))
    sizes = _table_sizes()

    again = curriculum_load(DEFAULT)
    assert (again.created, again.changed) == (False, False)
    assert _table_sizes() == sizes
    assert list(Lesson.objects.values_list("id", flat=True)) == lesson_ids


def test_the_command_reports_what_it_did(capsys):
    call_command("load_curriculum", str(DEFAULT))
    assert "Loaded" in capsys.readouterr().out
    call_command("load_curriculum", str(DEFAULT))
    assert "already loaded and unchanged" in capsys.readouterr().out


def test_malformed_yaml_is_refused_with_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("curriculum:\n  slug: x\n  title: [unclosed\nweeks: []\n")
    with pytest.raises(CommandError) as error:
        call_command("load_curriculum", str(path))
    message = str(error.value)
    assert str(path) in message and "line 4" in message and "not valid YAML" in message
    assert _table_sizes() == (0, 0, 0, 0)


def test_a_missing_field_names_the_file_the_item_and_the_field(tmp_path, default_data):
    del default_data["weeks"][2]["lessons"][1]["title"]
    path = _write(tmp_path, default_data)
    slug = default_data["weeks"][2]["lessons"][1]["slug"]
    with pytest.raises(CurriculumFileError) as error:
        curriculum_load(path)
    assert error.value.problems == [f"{path}: week 3, lesson '{slug}': field 'title': is required"]
    assert _table_sizes() == (0, 0, 0, 0)


def test_wrong_values_are_all_reported_and_nothing_is_written(tmp_path, default_data):
    check = default_data["weeks"][0]["knowledge_check"]
    check["pass_mark"] = 150
    single = next(q for q in check["questions"] if q["kind"] == "single")
    for choice in single["choices"]:
        choice["correct"] = True
    default_data["weeks"][1]["lessons"][0]["estimated_minutes"] = "ten"
    default_data["weeks"][1]["lessons"][1]["slug"] = default_data["weeks"][0]["lessons"][0]["slug"]
    default_data["weeks"][3]["lessons"][0]["colour"] = "blue"
    path = _write(tmp_path, default_data)

    with pytest.raises(CommandError) as error:
        call_command("load_curriculum", str(path))
    message = str(error.value)
    assert "nothing was written" in message
    assert (
        f"{path}: week 1, knowledge check: field 'pass_mark': must be a whole number from 1 to 100 (got 150)" in message
    )
    assert "field 'choices': a single-answer question needs exactly one correct choice" in message
    assert "field 'estimated_minutes': must be a whole number from 1 to 240 (got 'ten')" in message
    assert "field 'slug': is used by another lesson in this file" in message
    assert "field 'colour': is not a known field" in message
    assert _table_sizes() == (0, 0, 0, 0)


def test_weeks_must_be_the_six_weeks_in_order(tmp_path, default_data):
    default_data["weeks"] = default_data["weeks"][:5]
    with pytest.raises(CurriculumFileError, match="field 'weeks': must be weeks numbered 1 to 6, in order"):
        curriculum_load(_write(tmp_path, default_data))


def test_a_version_that_cohorts_run_is_never_rewritten(tmp_path, default_data):
    first = curriculum_load(_write(tmp_path, default_data)).curriculum
    CohortFactory(curriculum=first, name="Spring cohort")
    original_title = Lesson.objects.get(curriculum=first, position=0, week__number=1).title

    default_data["weeks"][0]["lessons"][0]["title"] = "A better title"
    with pytest.raises(CurriculumFileError, match=r"run by cohorts \(Spring cohort\).*new version number"):
        curriculum_load(_write(tmp_path, default_data))

    default_data["curriculum"]["version"] = 2
    second = curriculum_load(_write(tmp_path, default_data)).curriculum
    assert Lesson.objects.get(curriculum=second, position=0, week__number=1).title == "A better title"
    assert Lesson.objects.get(curriculum=first, position=0, week__number=1).title == original_title


def test_a_version_nobody_runs_yet_is_replaced_in_place(tmp_path, default_data):
    curriculum_load(_write(tmp_path, default_data))
    default_data["weeks"][0]["lessons"][0]["body"] = "## Rewritten\n\nShorter now."
    result = curriculum_load(_write(tmp_path, default_data))
    assert (result.created, result.changed) == (False, True)
    assert Curriculum.objects.count() == 1
    assert "<h2>Rewritten</h2>" in Lesson.objects.get(position=0, week__number=1).body_html


def test_lesson_markdown_is_rendered_and_sanitised(tmp_path, default_data):
    default_data["weeks"][0]["lessons"][0]["body"] = (
        "# Title\n\n**Bold** <script>alert(1)</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    curriculum_load(_write(tmp_path, default_data))
    html = Lesson.objects.get(position=0, week__number=1).body_html
    assert "<h2>Title</h2>" in html and "<strong>Bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_lesson_images_are_checked_and_resized(tmp_path, default_data):
    picture = image_upload("wide.png", size=(3200, 1000))
    (tmp_path / "wide.png").write_bytes(picture.read())
    (tmp_path / "fake.png").write_text("not an image")
    lessons = default_data["weeks"][0]["lessons"]
    lessons[0].update(image="fake.png", image_alt="A call floor")
    with pytest.raises(CurriculumFileError, match=r"week 1, lesson .*: field 'image': This file is not a JPEG"):
        curriculum_load(_write(tmp_path, default_data))

    lessons[0].update(image="wide.png")
    curriculum_load(_write(tmp_path, default_data))
    from PIL import Image

    lesson = Lesson.objects.get(position=0, week__number=1)
    with lesson.image.open("rb") as stored:
        assert Image.open(stored).size == (1600, 500)
    shutil.rmtree(tmp_path)
