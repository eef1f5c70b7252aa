import pytest

from courses.scoring.embedding import shared_encoder
from courses.scoring.live import warm_up
from tests.roleplay_support import scenario_with_turns


@pytest.mark.django_db(transaction=True)
def test_warm_up_embeds_the_running_scenarios_texts(running_cohort):
    scenario = scenario_with_turns(running_cohort.curriculum)
    assert warm_up() >= 3
    encoder = shared_encoder()
    assert scenario.persona_situation in encoder._cache
    assert "Hi. These heels slip right off my heels." in encoder._cache
