"""The example pack of scenarios from other lines of business loads into a curriculum an admin chooses."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from courses.curriculum_loader import curriculum_load
from courses.models import Cohort, Scenario

PROJECT = Path(__file__).resolve().parents[2]
PACK = PROJECT / "courses" / "data" / "packs" / "other_lines.yaml"
DEFAULT = PROJECT / "courses" / "data" / "default_curriculum.yaml"


@pytest.fixture
def curriculum(db):
    return curriculum_load(DEFAULT).curriculum


def test_the_pack_adds_its_scenarios_with_their_line_of_business_and_policies(curriculum):
    out = io.StringIO()
    call_command("load_scenario_pack", str(PACK), "--curriculum", curriculum.slug, stdout=out)
    added = Scenario.objects.filter(curriculum=curriculum).exclude(line_of_business="online-retail")
    assert {s.line_of_business for s in added} == {
        "travel", "broadband", "subscription-billing", "grocery-delivery", "energy",
    }  # fmt: skip
    assert all(s.policies and s.language == "en" and s.exemplars.exists() for s in added)
    assert "Added 5 scenarios" in out.getvalue()


def test_the_pack_is_not_part_of_the_default_curriculum(curriculum):
    assert not Scenario.objects.filter(curriculum=curriculum).exclude(line_of_business="online-retail").exists()


def test_a_curriculum_cohorts_run_is_refused_and_nothing_is_written(curriculum):
    Cohort.objects.create(curriculum=curriculum, name="Running", slug="running", start_date="2026-11-02")
    before = Scenario.objects.count()
    with pytest.raises(CommandError, match="run by cohorts"):
        call_command("load_scenario_pack", str(PACK), "--curriculum", curriculum.slug, stdout=io.StringIO())
    assert Scenario.objects.count() == before


def test_loading_twice_is_refused_naming_the_slug(curriculum):
    call_command("load_scenario_pack", str(PACK), "--curriculum", curriculum.slug, stdout=io.StringIO())
    with pytest.raises(CommandError, match="cancelled-flight-dads-ninetieth"):
        call_command("load_scenario_pack", str(PACK), "--curriculum", curriculum.slug, stdout=io.StringIO())


def test_a_malformed_pack_names_the_problem(curriculum, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(PACK.read_text().replace("line_of_business: travel", "line_of_business: Travel Agency", 1))
    with pytest.raises(CommandError, match="line_of_business"):
        call_command("load_scenario_pack", str(bad), "--curriculum", curriculum.slug, stdout=io.StringIO())
