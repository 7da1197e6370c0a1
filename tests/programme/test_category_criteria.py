"""Criteria per category (a category's own set and weights instead of the edition's, guidance for judges), and the
shortlist size per category: the rules, and every figure that reads a category's criteria."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from awards_app.core.errors import DomainError, NotAllowed, NotFound
from awards_app.core.models import AuditEvent
from awards_app.judging import scoring, shortlist
from awards_app.judging.panels import judge_progress
from awards_app.judging.progress import progress_matrix
from awards_app.programme import categories
from awards_app.programme.criteria import criteria_for, uses_own_criteria
from awards_app.programme.models import Criterion
from tests.factories.judging import judging_site, make_panel, make_scores
from tests.factories.programme import make_category

GUIDANCE = "0 to 3: little evidence; 4 to 6: some difference made; 7 to 10: a lasting difference to many people."


@pytest.fixture
def panel(db_session, clock):
    """A category with three entries and one judge, no scores yet, using the edition's two criteria."""
    return make_panel()


def own_criterion(organiser, category, name="Courage", **overrides) -> Criterion:
    """A criterion of the category's own, with good values changed where a test says."""
    values = {"name": name, "weight": 1.0, "scale_min": 0, "scale_max": 10, **overrides}
    return categories.add_criterion(organiser, category.edition, category, **values)


def refusal(operation, *args, **kwargs) -> DomainError:
    """The domain error the operation raises (failing the test if it raises none)."""
    with pytest.raises(DomainError) as caught:
        operation(*args, **kwargs)
    return caught.value


# --- Which criteria a category uses ------------------------------------------------------------------------------


def test_a_category_uses_the_editions_criteria_until_it_has_its_own(panel, organiser):
    assert criteria_for(panel.category) == panel.criteria and not uses_own_criteria(panel.category)

    courage = own_criterion(organiser, panel.category, guidance=GUIDANCE)

    assert criteria_for(panel.category) == [courage] and uses_own_criteria(panel.category)
    assert courage.guidance == GUIDANCE and courage.category_id == panel.category.id
    # The edition's list is its shared criteria only; another category still uses them.
    assert panel.edition.criteria == panel.criteria
    other = make_category(panel.edition, name="Carer of the Year")
    assert criteria_for(other) == panel.criteria


def test_giving_a_category_its_own_criteria_copies_the_editions(panel, organiser, db_session):
    panel.criteria[0].guidance = GUIDANCE
    own = categories.give_own_criteria(organiser, panel.category)

    assert [(c.name, c.weight, c.scale_min, c.scale_max, c.guidance) for c in own] == [
        (c.name, c.weight, c.scale_min, c.scale_max, c.guidance) for c in panel.criteria
    ]
    assert {c.id for c in own}.isdisjoint(c.id for c in panel.criteria)
    assert criteria_for(panel.category) == own and panel.edition.criteria == panel.criteria
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "category.own_criteria")).one()
    assert event.subject_id == panel.category.id and event.details["criteria"] == ["Impact", "Innovation"]


def test_own_criteria_change_without_touching_the_editions(panel, organiser):
    own = categories.give_own_criteria(organiser, panel.category)
    categories.update_criterion(organiser, own[0], name="Impact", weight=5, scale_min=1, scale_max=5,
                                guidance=GUIDANCE)
    categories.delete_criterion(organiser, own[1])

    assert [(c.name, c.weight, c.scale_max) for c in criteria_for(panel.category)] == [("Impact", 5, 5)]
    assert [(c.name, c.weight, c.scale_max) for c in panel.edition.criteria] == [("Impact", 1, 10), ("Innovation", 2, 10)]


def test_names_are_unique_within_a_set_but_a_category_may_reuse_the_editions(panel, organiser, db_session):
    own_criterion(organiser, panel.category, name="Impact")  # the edition has an Impact too
    assert "already a criterion called ‘impact’ in this category" in refusal(
        own_criterion, organiser, panel.category, name="impact"
    ).message
    assert "in this edition" in refusal(
        categories.add_criterion, organiser, panel.edition, name="IMPACT", weight=1, scale_min=0, scale_max=10
    ).message
    # The database says the same of the edition's shared criteria (a partial unique index).
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Criterion(edition=panel.edition, name="Impact", scale_min=0, scale_max=10))
        db_session.flush()


def test_guidance_has_a_length_limit(panel, organiser):
    problem = refusal(own_criterion, organiser, panel.category, guidance="x" * 2001)
    assert problem.field == "guidance"


def test_going_back_to_the_editions_criteria_deletes_the_categorys_own(panel, organiser, db_session):
    categories.give_own_criteria(organiser, panel.category)
    categories.use_edition_criteria(organiser, panel.category)

    assert criteria_for(panel.category) == panel.criteria and not uses_own_criteria(panel.category)
    assert db_session.scalars(select(Criterion).where(Criterion.category_id == panel.category.id)).all() == []
    assert "already uses the edition's criteria" in refusal(
        categories.use_edition_criteria, organiser, panel.category
    ).message


def test_the_switch_is_refused_both_ways_once_judges_have_scored(panel, organiser):
    make_scores(panel.judge, panel.entries[0], panel.criteria, 5)
    kept = "keeps the criteria it has because judges have already given 1 score with them"
    assert kept in refusal(categories.give_own_criteria, organiser, panel.category).message
    assert kept in refusal(own_criterion, organiser, panel.category).message

    other = make_panel(year=2027, email="judge.two@example.org")
    own = categories.give_own_criteria(organiser, other.category)
    make_scores(other.judge, other.entries[0], own, 5, 5)
    assert "2 scores" in refusal(categories.use_edition_criteria, organiser, other.category).message
    assert "already given 1 score" in refusal(categories.delete_criterion, organiser, own[0]).message
    # Once scored, a criterion can still be reworded, but no criterion added to the set.
    categories.update_criterion(organiser, own[0], name="Impact", weight=1, scale_min=0, scale_max=10,
                                guidance=GUIDANCE)
    assert "No criterion can be added because judges have already given 2 scores" in refusal(
        own_criterion, organiser, other.category, name="Courage").message
    assert [c.name for c in criteria_for(other.category)] == ["Impact", "Innovation"]


def test_adding_to_the_editions_set_is_refused_once_scored_and_drops_no_entry(db_session, clock, organiser):
    site = judging_site()
    before = shortlist.category_rankings(site.category).rankings

    message = refusal(categories.add_criterion, organiser, site.edition, None,
                      name="Reach", weight=1, scale_min=0, scale_max=10).message

    assert "judges have already given" in message and "name, description and guidance" in message
    after = shortlist.category_rankings(site.category).rankings
    assert [e.weighted_mean for e in after.entries] == [e.weighted_mean for e in before.entries]
    assert all(e.weighted_mean is not None for e in after.entries if e.entry_id == site.morag.id)


@pytest.mark.parametrize("change", [{"scale_max": 5}, {"scale_min": 1}, {"weight": 7.5}])
def test_weight_and_scale_stay_once_scored_but_the_wording_changes(db_session, clock, organiser, change):
    site = judging_site()
    criterion = site.criteria[0]
    values = {"name": criterion.name, "weight": float(criterion.weight), "scale_min": criterion.scale_min,
              "scale_max": criterion.scale_max}

    message = refusal(categories.update_criterion, organiser, criterion, **{**values, **change}).message

    assert "cannot change because judges have already given" in message
    assert "You can still change its name, description and guidance" in message
    assert (float(criterion.weight), criterion.scale_min, criterion.scale_max) == (values["weight"], 0, 10)
    categories.update_criterion(organiser, criterion, **{**values, "name": "Difference made"}, guidance=GUIDANCE)
    assert criterion.name == "Difference made" and criterion.guidance == GUIDANCE


def test_after_the_shortlist_the_set_and_its_measures_are_fixed_even_unscored(panel, organiser, db_session):
    panel.category.shortlisted_at = panel.edition.created_at
    db_session.flush()
    criterion = panel.criteria[0]

    assert "shortlist of" in refusal(categories.add_criterion, organiser, panel.edition, None,
                                     name="Reach", weight=1, scale_min=0, scale_max=10).message
    assert "shortlist of" in refusal(categories.update_criterion, organiser, criterion, name=criterion.name,
                                     weight=float(criterion.weight), scale_min=0, scale_max=5).message
    # Before any score or shortlist, weight and scale may change freely.
    other = make_panel(year=2027, email="judge.two@example.org")
    categories.update_criterion(organiser, other.criteria[0], name="Impact", weight=4, scale_min=1, scale_max=5)
    assert (other.criteria[0].weight, other.criteria[0].scale_max) == (4, 5)


def test_giving_own_criteria_needs_something_to_copy_and_happens_once(db_session, clock, organiser):
    panel = make_panel(scales=())
    assert "no criteria to copy" in refusal(categories.give_own_criteria, organiser, panel.category).message
    own_criterion(organiser, panel.category)
    assert "already has criteria of its own" in refusal(
        categories.give_own_criteria, organiser, panel.category
    ).message


def test_only_organisers_shape_a_categorys_criteria(panel):
    for operation in (categories.give_own_criteria, categories.use_edition_criteria, own_criterion):
        with pytest.raises(NotAllowed):
            operation(panel.judge, panel.category)


# --- Every figure follows the category's criteria ----------------------------------------------------------------


def test_judges_score_on_the_categorys_own_criteria_only(panel, organiser):
    courage = own_criterion(organiser, panel.category, scale_min=1, scale_max=5)
    entry = panel.entries[0]

    assert scoring.criteria_of(entry) == [courage] and scoring.criteria_of(panel.place) == [courage]
    assert scoring.record_score(panel.judge, entry.id, courage.id, "4") == 4
    with pytest.raises(NotFound):  # the edition's criterion is not this category's any more
        scoring.record_score(panel.judge, entry.id, panel.criteria[0].id, "4")


def test_progress_counts_the_categorys_own_criteria(panel, organiser, db_session):
    entry = panel.entries[0]
    make_scores(panel.judge, entry, panel.criteria, 5, 5)  # scores on the edition's criteria...
    # ...then the category gets two criteria of its own (set directly: the operations refuse it once scored).
    courage, kindness = (
        Criterion(edition=panel.edition, category=panel.category, name=name, scale_min=0, scale_max=10)
        for name in ("Courage", "Kindness")
    )
    db_session.add_all([courage, kindness])
    db_session.flush()
    db_session.expire(panel.category, ["own_criteria"])
    make_scores(panel.judge, entry, [courage], 6)

    cell = progress_matrix(panel.category).rows[0].cells[0]
    assert cell.text == "In progress (1 of 2 criteria)"  # the two scores on the edition's criteria do not count
    assert judge_progress(panel.judge, panel.place, panel.entries) == 0
    assert scoring.progress(panel.judge, panel.place).in_progress == 1

    make_scores(panel.judge, entry, [kindness], 7)
    assert progress_matrix(panel.category).rows[0].cells[0].text == "Scored"
    assert judge_progress(panel.judge, panel.place, panel.entries) == 1


def test_rankings_use_the_categorys_own_criteria_and_weights(panel, organiser):
    first, second, third = panel.entries
    courage = own_criterion(organiser, panel.category, weight=3)
    kindness = own_criterion(organiser, panel.category, name="Kindness", weight=1)
    # On the edition's criteria the first entry would lead; on the category's own, the third does.
    for entry, edition_values, own_values in ((first, (10, 10), (2, 2)), (second, (5, 5), (5, 5)),
                                              (third, (1, 1), (9, 1))):
        make_scores(panel.judge, entry, panel.criteria, *edition_values)
        make_scores(panel.judge, entry, [courage, kindness], *own_values)

    view = shortlist.category_rankings(panel.category)

    # Third: (3 * 9 + 1) / 4 = 7; second: 5; first: 2.
    assert view.default_shortlist("weighted", 3) == [third.id, second.id, first.id]


# --- The shortlist size per category -----------------------------------------------------------------------------


def test_a_category_suggests_three_finalists_unless_told_otherwise(db_session, clock, organiser):
    site = judging_site()
    view = shortlist.category_rankings(site.category)
    assert site.category.shortlist_size == 3
    assert view.default_shortlist("weighted") == [site.morag.id, site.hamish.id, site.ailsa.id]

    categories.update_category(organiser, site.category, name=site.category.name, nominee_kind="person",
                               shortlist_size=2)
    assert site.category.shortlist_size == 2
    assert shortlist.category_rankings(site.category).default_shortlist("weighted") == [
        site.morag.id, site.hamish.id,
    ]


def test_choosing_the_categorys_own_number_of_finalists_needs_no_reasons(db_session, clock, organiser):
    site = judging_site()
    site.category.shortlist_size = 2
    finalists = shortlist.choose_shortlist(organiser, site.category, "weighted", [site.morag.id, site.hamish.id])
    assert [finalist.nomination_id for finalist in finalists] == [site.morag.id, site.hamish.id]


def test_choosing_fewer_than_the_categorys_number_needs_a_reason(db_session, clock, organiser):
    site = judging_site()
    site.category.shortlist_size = 4
    with pytest.raises(shortlist.ReasonsMissing) as caught:
        shortlist.choose_shortlist(organiser, site.category, "weighted",
                                   [site.morag.id, site.hamish.id, site.ailsa.id])
    assert caught.value.fields == {
        shortlist.reason_field(site.eilidh.id):
            "Give a reason for leaving out Eilidh Ross: it is in the top four by weighted mean",
    }


@pytest.mark.parametrize("size, message", [
    (0, "Number of finalists must be between 1 and 10"),
    (11, "Number of finalists must be between 1 and 10"),
    ("three", "Number of finalists must be a whole number"),
])
def test_the_shortlist_size_is_from_one_to_ten(panel, organiser, size, message):
    problem = refusal(categories.update_category, organiser, panel.category, name=panel.category.name,
                      nominee_kind="project", shortlist_size=size)
    assert (problem.field, problem.message) == ("shortlist_size", message)
    assert panel.category.shortlist_size == 3
