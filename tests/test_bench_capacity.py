"""The pure parts of the capacity benchmark: the step search, the mix, the grading form, the report."""

from collections import Counter

import pytest

from bench import capacity


def _step(rate, p99, errors=0, **extra):
    return {"rate_per_s": rate, "p99_ms": p99, "errors": errors, **extra}


def test_the_highest_held_step_is_the_last_before_the_first_failure():
    steps = [_step(25, 80), _step(50, 120), _step(75, 260), _step(100, 90)]
    assert capacity.highest_held(steps) == 50


def test_an_error_fails_a_step_however_fast():
    assert capacity.highest_held([_step(25, 40), _step(50, 45, errors=1)]) == 25
    assert not capacity.step_held(_step(50, 45, errors=1))


def test_p99_at_the_target_is_not_held():
    assert capacity.highest_held([_step(25, capacity.TARGET_P99_MS)]) is None


def test_the_profiled_step_is_the_held_one_or_else_the_first():
    steps = [_step(25, 80), _step(50, 300)]
    assert capacity.capacity_step(steps)["rate_per_s"] == 25
    assert capacity.capacity_step([_step(25, 300)])["rate_per_s"] == 25
    assert capacity.capacity_step([]) is None


@pytest.mark.parametrize("name", list(capacity.MIXES))
def test_the_expanded_mix_has_each_action_as_often_as_its_weight(name):
    mix = capacity.MIXES[name]
    actions = capacity.expand(mix)
    assert Counter(actions) == Counter(mix)
    assert actions[:3] != [actions[0]] * 3  # spread, not in runs


def test_request_shares_count_the_form_page_each_write_loads():
    shares = capacity.request_shares({"hire: dashboard": 2, "hire: lesson complete": 1})
    assert shares == {"hire: dashboard": 0.5, "hire: lesson": 0.25, "hire: lesson complete": 0.25}
    assert capacity.requests_per_action({"hire: dashboard": 2, "hire: lesson complete": 1}) == pytest.approx(4 / 3)


def test_the_reads_mix_has_no_writes_and_the_shares_sum_to_one():
    assert not set(capacity.MIXES["reads"]) & set(capacity.WRITES)
    for mix in capacity.MIXES.values():
        assert sum(capacity.request_shares(mix).values()) == pytest.approx(1.0, abs=1e-3)
    writes = sum(s for k, s in capacity.request_shares(capacity.MIXES["morning"]).items() if k in capacity.WRITES)
    assert 0.15 < writes < 0.4


GRADE_PAGE = """
<ol><li><div class="comment-form"><textarea name="comment_1" form="grade-form"></textarea>
<input type="checkbox" name="save_to_bank_1" value="1" form="grade-form">
<button type="submit" name="comment_turn" value="1" form="grade-form">Add comment</button></div></li></ol>
<form method="post" id="grade-form" data-draft-url="/coaching/attempts/7/draft/">
<input type="hidden" name="csrfmiddlewaretoken" value="tok">
<fieldset><input type="radio" name="level_empathy" value="0"><input type="radio" name="level_empathy" value="1">
<input type="radio" name="level_empathy" value="2"><input type="radio" name="level_empathy" value="3"></fieldset>
<fieldset><input type="radio" name="level_ownership" value="0" checked><input type="radio" name="level_ownership"
 value="1"></fieldset>
<textarea name="overall_comment">Kept</textarea>
<button type="submit" name="action" value="release">Release</button>
<textarea name="guidance"></textarea>
</form>
<form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="tok"></form>
"""


def test_the_grading_form_carries_the_fields_outside_it_that_name_it():
    form = capacity.form_named(GRADE_PAGE, form_id="grade-form")
    names = [name for name, _ in form["fields"]]
    assert names == ["comment_1", "csrfmiddlewaretoken", "level_ownership", "overall_comment", "guidance"]
    assert form["choices"] == {"save_to_bank_1": ["1"], "level_empathy": ["0", "1", "2", "3"],
                               "level_ownership": ["0", "1"]}  # fmt: skip
    assert dict(form["fields"])["overall_comment"] == "Kept"


def test_the_grading_submission_sets_every_level_and_releases():
    form = capacity.form_named(GRADE_PAGE, form_id="grade-form")
    posted = capacity.grading_submission(form, level=2, comment="Warm opening.")
    assert ("level_empathy", "2") in posted and ("level_ownership", "1") in posted  # the highest it offers
    assert ("overall_comment", "Warm opening.") in posted and posted[-1] == ("action", "release")
    assert not any(name.startswith("save_to_bank") for name, _ in posted)  # unchecked boxes are not sent
    assert capacity.form_named(GRADE_PAGE, action_endswith="/logout/")["id"] is None


def _report():
    kinds = {
        "hire: dashboard": {"count": 9, "median_ms": 20.0, "p99_ms": 90.0, "errors": 0, "write": False},
        "hire: role-play answer": {"count": 3, "median_ms": 60.0, "p99_ms": 140.0, "errors": 0, "write": True},
    }
    profile = {
        "wall_s": 10.0,
        "gunicorn_workers_cpu_s": 4.0,
        "postgres_all_cpu_s": 2.0,
        "database_active_ms": 900.0,
        "broker_backlog_after": 0,
        "connections": {
            "samples": 100,
            "by_application": {"capacity-web": {"mean_active": 0.4, "mean_idle": 3.6, "backend_cpu_s": 1.1}},
        },
    }
    step = dict(
        rate_per_s=25,
        achieved_per_s=24.9,
        requests=250,
        errors=0,
        errors_by_status={},
        median_ms=22.0,
        p95_ms=80.0,
        p99_ms=120.0,
        max_ms=200.0,
        kinds=kinds,
        notes={"answers verified": 2},
        profile=profile,
    )
    failed = {**step, "rate_per_s": 50, "p99_ms": 400.0, "errors": 2, "errors_by_status": {"502": 2}}
    mix = {
        "request_shares": {"hire: dashboard": 0.75, "hire: role-play answer": 0.25},
        "steps": [step, failed],
        "highest_held": 25,
        "writes_verified": {"answers scored": 3},
    }
    return {"date": "2026-01-02", "hires": 1000, "database": "postgresql", "gunicorn_workers": 4, "step_seconds": 10,
            "people": {"hire": 100, "coach": 5, "admin": 3}, "answer_route": "POST …/answer/",
            "machine": {"cores": 2, "cpu": "Xeon", "memory_gib": 8.0, "python": "3.11.7"},
            "queries": {"hire: dashboard": {"queries": 17}}, "mixes": {"morning": mix}}  # fmt: skip


def test_the_markdown_shows_the_machine_the_shares_the_steps_and_the_capacity_point():
    text = capacity._markdown(_report())
    assert text.startswith("Measured 2026-01-02 on 2 cores (Xeon), 8.0 GiB, Python 3.11.7; postgresql with 1,000 hires")
    assert "**morning: 25 requests/s**" in text
    assert "| hire: role-play answer | 25.0% |" in text
    assert "| 25 | 24.9 | 250 | 0 | 22.0 | 80.0 | 120.0 | 200.0 | yes |" in text
    assert "| 50 | 24.9 | 250 | 2× 502 | 22.0 | 80.0 | 400.0 | 200.0 | **no** |" in text
    assert "| hire: role-play answer (write) | 3 | 60.0 | 140.0 | 0 | - |" in text
    assert "| hire: dashboard | 9 | 20.0 | 90.0 | 0 | 17 |" in text
    assert "gunicorn workers used 4.0 CPU s (16.0 ms per request)" in text
    assert "answers scored 3" in text
