import io
import json

import pytest
from django.core.management import CommandError, call_command

from courses.scoring import CRITERIA
from courses.scoring.evaluation import DevsetError, evaluate, load_devset, split_of
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


def test_command_prints_a_table_for_any_file_in_the_format(tmp_path):
    path = write(tmp_path, [GOOD, variant(id="other/2/cold-a", kind="cold", answer="Order number?")])
    out = io.StringIO()
    call_command("evaluate_scorer", str(path), stdout=out)
    text = out.getvalue()
    assert "phrase-rules/1" in text
    assert "QWK" in text and "exact %" in text and "within-one %" in text
    for key in CRITERIA:
        assert key in text
    assert "2 answers" in text


def test_command_scores_one_half_only(tmp_path):
    records = [variant(id=f"s/1/genuine-{letter}") for letter in "abcdefgh"]
    path = write(tmp_path, records)
    out = io.StringIO()
    call_command("evaluate_scorer", str(path), "--split", "held-out", stdout=out)
    held_out = sum(1 for record in records if split_of(record["id"]) == "held-out")
    assert f"split: held-out ({held_out} answers)" in out.getvalue()


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


def test_splits_are_stable_and_cover_the_set():
    rows = load_devset(DEVSET)
    halves = {row.id: split_of(row.id) for row in rows}
    assert set(halves.values()) == {"tuning", "held-out"}
    assert halves == {row.id: split_of(row.id) for row in load_devset(DEVSET)}


def test_shipped_dev_set_agreement_stays_at_least_0_6_on_every_criterion(scorer):
    """The regression guard for the figure reported for this scorer (whole dev set)."""
    evaluation = evaluate(load_devset(DEVSET), scorer)
    kappas = {item.key: round(item.qwk, 3) for item in evaluation.agreement}
    assert all(kappa >= 0.6 for kappa in kappas.values()), kappas
