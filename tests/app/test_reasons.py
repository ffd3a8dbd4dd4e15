"""Shortfall reasons from the optimiser, worded in the reader's language."""
import datetime as dt

from flask_babel import force_locale

from binnenwerk import reasons
from scheduling.explain import DUTCH, dutch, reason
from tests.conftest import compile_english_catalog

WEDNESDAY = "2026-12-09"
EXAMPLES = {
    "nobody_skilled": dict(work="Schoonmaak"),
    "too_few_fit": dict(n=2, of=6, day=WEDNESDAY),
    "wrong_place": dict(n=3, place="Rijnstraat 8"),
    "absent": dict(n=1, day=WEDNESDAY),
    "outside_window": dict(n=2, day=WEDNESDAY, start="09:00", end="15:00"),
    "shift_too_long": dict(n=1),
    "higher_priority": dict(n=2),
    "elsewhere": dict(n=1, day=WEDNESDAY),
    "too_little_rest": dict(n=1),
    "hours_used": dict(n=4),
    "team_full": {},
    "no_supervisor": dict(day=WEDNESDAY),
    "supervisors_busy": dict(day=WEDNESDAY),
    "costs_elsewhere": {},
    "leader_rest": dict(n=1),
    "leader_day_too_long": dict(n=2, hours=12),
    "other_supervisors_busy": dict(n=1, day=WEDNESDAY),
}


def test_every_solver_reason_code_has_an_example_here():
    assert set(EXAMPLES) == set(DUTCH)


def test_the_app_words_each_reason_in_dutch_exactly_as_the_solver_does(app):
    with app.test_request_context(), force_locale("nl"):
        for code, params in EXAMPLES.items():
            r = reason(code, **params)
            assert reasons.render(2, [r.as_dict()]) == [f"2 te weinig: {dutch(r)}"], code


def test_the_app_words_each_reason_in_english(app):
    compile_english_catalog()
    with app.test_request_context(), force_locale("en"):
        absent = reasons.render(1, [reason("absent", n=3, day=WEDNESDAY).as_dict()])
        assert absent == ["1 short: 3 employees with this work type are off or absent on Wednesday"]
        for code, params in EXAMPLES.items():
            sentence = reasons.render(1, [reason(code, **params).as_dict()])[0]
            assert " te weinig" not in sentence and "medewerker" not in sentence, sentence


def test_a_work_type_is_named_in_the_readers_language(app, make):
    compile_english_catalog()
    make.work_type("cleaning", name_nl="Schoonmaak", name_en="Cleaning")
    nobody = reason("nobody_skilled", work="Schoonmaak", work_type="cleaning").as_dict()
    with app.test_request_context(), force_locale("en"):
        assert reasons.render(1, [nobody]) == ["1 short: nobody in the region does Cleaning"]
        # A reason stored before the id came along keeps the name it has.
        old = reason("nobody_skilled", work="Schoonmaak").as_dict()
        assert reasons.render(1, [old]) == ["1 short: nobody in the region does Schoonmaak"]
    with app.test_request_context(), force_locale("nl"):
        assert reasons.render(1, [nobody]) == ["1 te weinig: niemand in de regio heeft werksoort Schoonmaak"]


def test_an_unknown_code_falls_back_on_the_solvers_sentences(app):
    with app.test_request_context():
        assert reasons.render(1, [{"code": "from_a_newer_solver"}]) == []
        assert reasons.render(1, ["not a dict"]) == []


def test_a_solution_file_carries_the_codes_and_reads_them_back():
    from scheduling.domain import Shortfall, Solution
    from scheduling.io import read_solution, solution_to_dict

    code = reason("no_supervisor", day=WEDNESDAY)
    solution = Solution(status="FEASIBLE", shortfall=[
        Shortfall("r-1", dt.date(2026, 12, 9), 2, (f"2 te weinig: {dutch(code)}",), (code,))])
    data = solution_to_dict(solution)
    assert data["shortfall"][0]["reason_codes"] == [{"code": "no_supervisor", "day": WEDNESDAY}]
    assert read_solution(data).shortfall[0].codes == (code,)


def test_busy_team_leaders_are_named_with_the_teams_they_lead_in_both_languages(app):
    compile_english_catalog()
    r = reason("supervisors_busy", day=WEDNESDAY, teams="Team Den Haag 2")
    assert dutch(r) == "alle teamleiders die dit kunnen leiden zijn op woensdag al elders ingezet (bij Team Den Haag 2)"
    with app.test_request_context():
        with force_locale("nl"):
            assert reasons.render(1, [r.as_dict()]) == [f"1 te weinig: {dutch(r)}"]
        with force_locale("en"):
            assert reasons.render(1, [r.as_dict()])[0].endswith(
                "already working elsewhere on Wednesday (with Team Den Haag 2)")
