import io
import json

import pytest
from django.core.management import CommandError, call_command

from courses.scoring import CRITERIA
from courses.scoring.evaluation import (
    DevsetError,
    agreement_for,
    evaluate,
    format_report,
    held_out_scenarios,
    line_of_business,
    load_devset,
)
from courses.scoring.phrase_rules import PhraseRulesScorer
from tests.scoring.conftest import DEVSET

GOOD = {
    "id": "any-scenario/1/genuine-a",
    "scenario": "a-scenario-that-is-not-in-the-database",
    "turn": 1,
    "customer": "Hi, my boots pinch and I think it's too late to send them back?",
    "answer": "Not too late at all, you've got a full year and it's free. Where do they pinch?",
    "kind": "genuine",
    "labels": {"acknowledge": 2, "connect": 0, "explore": 2, "own_resolve": 2, "wow": 0, "tone": 3},
}


def write(tmp_path, records, name="set.jsonl"):
    path = tmp_path / name
    lines = [record if isinstance(record, str) else json.dumps(record) for record in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def variant(**changes):
    record = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if key.startswith("labels."):
            record["labels"][key.split(".", 1)[1]] = value
        else:
            record[key] = value
    return record


@pytest.mark.django_db
def test_command_prints_the_report_for_any_file_in_the_format(tmp_path):
    path = write(tmp_path, [GOOD, variant(id="other/2/cold-a", kind="cold", answer="Order number?")])
    out = io.StringIO()
    call_command("evaluate_scorer", str(path), "--bootstrap", "50", stdout=out)
    text = out.getvalue()
    assert "situational/" in text
    assert "QWK" in text and "exact %" in text and "within-one %" in text and "95% interval" in text
    for key in CRITERIA:
        assert key in text
    assert "2 answers" in text
    assert "integrity flags:" in text


@pytest.mark.django_db
def test_command_scores_the_held_out_scenarios_only(tmp_path):
    held = sorted(held_out_scenarios())[0]
    records = [variant(id=f"s/1/genuine-{letter}") for letter in "abcdef"]
    records += [variant(id=f"{held}/1/genuine-{letter}", scenario=held) for letter in "ab"]
    path = write(tmp_path, records)
    out = io.StringIO()
    call_command("evaluate_scorer", str(path), "--split", "held-out", "--scorer", "rules", stdout=out)
    assert "split: held-out (2 answers)" in out.getvalue()
    assert "phrase-rules/1" in out.getvalue()


def test_the_report_breaks_figures_down_by_line_of_business_and_checks_flags():
    rows = [row for path in sorted(DEVSET.parent.glob("*.jsonl")) for row in load_devset(path)]
    chosen = [row for row in rows if row.scenario in {"cancelled-flight-dads-ninetieth", "first-date-shoes"}]
    report = format_report(evaluate(chosen, PhraseRulesScorer(), bootstrap=20), bootstrap=20)
    assert "line of business: travel" in report
    assert "line of business: online-retail" in report
    assert "integrity flags:" in report


def test_the_bootstrap_interval_brackets_the_figure_and_is_repeatable():
    human = [0, 1, 2, 3, 2, 1, 0, 3, 2, 2, 1, 0] * 3
    machine = [0, 1, 2, 2, 2, 1, 1, 3, 1, 2, 1, 0] * 3
    first = agreement_for("tone", human, machine, bootstrap=200)
    again = agreement_for("tone", human, machine, bootstrap=200)
    assert first.qwk_low <= first.qwk <= first.qwk_high
    assert (first.qwk_low, first.qwk_high) == (again.qwk_low, again.qwk_high)


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (variant(**{"labels.tone": 5}), "labels.tone"),
        ({key: value for key, value in GOOD.items() if key != "answer"}, "answer"),
        (variant(turn="1"), "turn"),
        (variant(kind="rude"), "kind"),
        (variant(extra=True), "extra"),
        ('{"id": "broken", ', "(line)"),
    ],
)
def test_malformed_line_stops_the_run_naming_file_line_and_field(tmp_path, bad, field):
    path = write(tmp_path, [GOOD, bad, variant(id="later/1/strong-a")])
    with pytest.raises(CommandError) as raised:
        call_command("evaluate_scorer", str(path), stdout=io.StringIO())
    message = str(raised.value)
    assert str(path) in message
    assert "line 2" in message
    assert f"'{field}'" in message


def test_duplicate_ids_are_reported(tmp_path):
    path = write(tmp_path, [GOOD, GOOD])
    with pytest.raises(DevsetError) as raised:
        load_devset(path)
    assert (raised.value.line, raised.value.field) == (2, "id")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Not evaluated"):
        call_command("evaluate_scorer", str(tmp_path / "nope.jsonl"), stdout=io.StringIO())


def test_splits_hold_out_whole_scenarios_from_every_line_of_business():
    rows = [row for path in sorted(DEVSET.parent.glob("*.jsonl")) for row in load_devset(path)]
    by_scenario: dict[str, set[str]] = {}
    for row in rows:
        by_scenario.setdefault(row.scenario, set()).add(row.split)
    assert all(len(splits) == 1 for splits in by_scenario.values()), "a scenario is split across halves"
    held = {scenario for scenario, splits in by_scenario.items() if splits == {"held-out"}}
    assert held == set(held_out_scenarios())
    lines = {line_of_business(row) for row in rows if row.scenario in held}
    assert "online-retail" in lines and len(lines) >= 3, lines


def test_the_rules_alone_still_agree_on_the_first_labelled_set(scorer):
    """The phrase rules stay a sound front end: at least 0.45 on every criterion of the first set."""
    evaluation = evaluate(load_devset(DEVSET), scorer)
    kappas = {item.key: round(item.qwk, 3) for item in evaluation.agreement}
    assert all(kappa >= 0.45 for kappa in kappas.values()), kappas
