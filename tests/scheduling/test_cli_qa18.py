"""`python -m scheduling` (QA round 18): a --out that cannot be written, a --time-limit or --workers
that cannot work, Ctrl-C during a solve, argparse's own messages in Dutch, and the reader's
file-or-text choice and its words for a file that is no UTF-8 text."""
from __future__ import annotations

import argparse
import json
import math
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scheduling.io import _show

from scheduling import __main__ as entry
from scheduling.__main__ import main
from scheduling.checker import check
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.io import FormatError, load_problem, load_solution, problem_to_dict, solution_to_dict

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    file = tmp_path_factory.mktemp("problem") / "s.json"
    file.write_text(json.dumps(problem_to_dict(generate("S", 1))))
    return file


def refused(args: list[str], capsys) -> str:
    """What main() says on stderr when it refuses the command line with exit 2."""
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2, args
    return capsys.readouterr().err


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduling", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


# --- a) generate --out that cannot be written ------------------------------------------------


def test_generate_into_a_folder_that_is_not_there_is_one_dutch_line(tmp_path, capsys):
    target = tmp_path / "nodir" / "p.json"
    err = refused(["generate", "--out", str(target)], capsys)
    assert err == f"fout: kan {target} niet schrijven: de map {target.parent} bestaat niet\n"
    assert not target.parent.exists()


def test_generate_onto_a_folder_is_one_dutch_line_without_traceback(tmp_path):
    done = cli("generate", "--out", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr == f"fout: kan {tmp_path} niet schrijven: dat is een map\n"


def test_generate_still_writes_its_file(tmp_path, capsys):
    target = tmp_path / "p.json"
    assert main(["generate", "--out", str(target)]) == 0
    assert load_problem(target).week == generate("S", 1).week


# --- b) a time limit or a number of workers that cannot work ----------------------------------


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "0.4", "abc", "1e999"])
def test_solve_refuses_a_time_limit_below_half_a_second_or_not_a_number(small, capsys, value):
    err = refused(["solve", str(small), "--time-limit", value, "--workers", "1"], capsys)
    assert f"--time-limit: geef een aantal seconden van 0,5 tot en met 86400, niet '{value}'" in err
    assert "Traceback" not in err and "invalid" not in err


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_solve_refuses_fewer_than_one_worker(small, capsys, value):
    err = refused(["solve", str(small), "--time-limit", "1", "--workers", value], capsys)
    assert f"--workers: geef een geheel aantal van 1 tot en met 256, niet '{value}'" in err


@pytest.mark.parametrize("option", [["--time-limit", "0"], ["--time-limit", "nan"], ["--workers", "0"]])
def test_bench_refuses_the_same(capsys, option):
    err = refused(["bench", "--sizes", "S", "--time-limit", "1", *option], capsys)
    assert f"{option[0]}: geef een" in err


def test_a_half_second_and_a_decimal_comma_are_taken():
    seconds = entry._seconds
    assert seconds("0.5") == 0.5 and seconds("0,5") == 0.5 and seconds(" 30 ") == 30.0
    assert all(math.isfinite(seconds(v)) for v in ("1", "86400"))


# --- c) Ctrl-C during a solve -----------------------------------------------------------------


def _solve_until(problem: Path, out: Path, seen_seconds: float) -> tuple[subprocess.Popen, list[str]]:
    """A solve in a child process, let run until its progress has passed `seen_seconds` (so
    CP-SAT has finished at least one region's search: it then leaves SIGINT at the default)."""
    child = subprocess.Popen([sys.executable, "-m", "scheduling", "solve", str(problem), "--time-limit", "60"],
                             cwd=ROOT, stdout=out.open("w"), stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    for line in child.stderr:
        lines.append(line)
        if line.startswith("[") and float(line[1:].split("s")[0]) >= seen_seconds:
            return child, lines
    child.wait()
    pytest.fail("the solve ended before the test could stop it:\n" + "".join(lines))


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    file = tmp_path_factory.mktemp("problem") / "m.json"
    file.write_text(json.dumps(problem_to_dict(generate("M", 1))))
    return file


def test_ctrl_c_writes_the_best_roster_so_far_and_says_so_in_dutch(medium, tmp_path):
    out = tmp_path / "out.json"
    child, lines = _solve_until(medium, out, 1.0)
    started = time.monotonic()
    child.send_signal(signal.SIGINT)
    lines += child.stderr.readlines()
    child.wait(timeout=60)
    err = "".join(lines)
    assert child.returncode == 130, err
    assert time.monotonic() - started < 30  # not the 60 s asked for
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "Afgebroken: de planner stopt en geeft het beste rooster tot nu toe" in err
    assert "het beste rooster tot nu toe staat op stdout (status FEASIBLE" in err
    problem = load_problem(medium)
    solution = load_solution(out, problem)
    assert solution.assignments and check(problem, solution).ok


def test_a_second_ctrl_c_stops_at_once_without_a_roster(medium, tmp_path):
    out = tmp_path / "out.json"
    child, lines = _solve_until(medium, out, 1.0)
    child.send_signal(signal.SIGINT)
    time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    lines += child.stderr.readlines()
    child.wait(timeout=60)
    err = "".join(lines)
    assert child.returncode == 130, err
    assert "Meteen afgebroken; er is geen rooster geschreven." in err and "Traceback" not in err
    assert out.read_text() == ""


def test_a_solve_in_this_process_leaves_ctrl_c_as_it_was(small, capsys):
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals are the main thread's")
    handler = signal.getsignal(signal.SIGINT)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    assert main(["solve", str(small), "--time-limit", "1", "--workers", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "binnenwerk-roster-solution/1"
    assert signal.getsignal(signal.SIGINT) is handler
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == mask


# --- d) argparse in Dutch ---------------------------------------------------------------------


ENGLISH = ("usage:", "error:", "required", "invalid", "expected", "choose from", "unrecognized")


@pytest.mark.parametrize("args, said", [
    ([], "python -m scheduling: fout: dit ontbreekt nog: opdracht"),
    (["solve"], "python -m scheduling solve: fout: dit ontbreekt nog: probleem"),
    (["check", "p.json"], "dit ontbreekt nog: oplossing"),
    (["solve", "p.json", "--time-limit"], "--time-limit: hier hoort een waarde bij"),
    (["oplossen"], "opdracht: ongeldige keuze 'oplossen' (kies uit 'solve', 'check'"),
    (["generate", "--size", "Q"], "--size: ongeldige keuze 'Q' (kies uit 'S', 'M', 'L', 'XL')"),
    (["generate", "--seed", "x"], "--seed: geef een geheel getal van 0 of meer, niet 'x'"),
    (["greedy", "p.json", "--snel"], "onbekende argumenten: --snel"),
])
def test_the_command_line_is_refused_in_dutch(capsys, args, said):
    err = refused(args, capsys)
    assert err.startswith("gebruik: python -m scheduling")
    assert said in err, err
    assert not any(word in err for word in ENGLISH), err


def test_help_is_dutch_and_argparse_is_left_as_it_was(capsys):
    hooks = argparse._, argparse.ngettext
    with pytest.raises(SystemExit) as stopped:
        main(["solve", "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gebruik: ") and "toon deze hulp en stop" in out and "opties:" in out
    assert (argparse._, argparse.ngettext) == hooks


# --- e) a file or JSON text, and a file that is no UTF-8 text --------------------------------


@pytest.fixture
def solution_file(tmp_path, monkeypatch) -> Path:
    """A valid solution in a file whose relative name begins as JSON text would."""
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "[w50].json"
    file.write_text(json.dumps(solution_to_dict(greedy(generate("S", 1)))))
    return file


def test_a_relative_name_that_begins_with_a_bracket_is_a_file(solution_file):
    problem = generate("S", 1)
    assert load_solution("[w50].json", problem).assignments == greedy(problem).assignments
    assert load_solution(solution_file.read_text(), problem).assignments  # JSON text stays JSON text


def test_a_file_that_is_no_utf8_text_is_said_so(tmp_path):
    latin = tmp_path / "oud.json"
    latin.write_bytes('{"status": "café"}'.encode("latin-1"))
    for name in (latin, str(latin)):
        with pytest.raises(FormatError) as caught:
            load_solution(name)
        # The name as messages show values: shortened past 80 characters (a deep tmp_path in CI).
        assert caught.value.errors[0].message == f"invoer: bestand {_show(str(latin))} is geen UTF-8-tekst"


def test_a_file_that_is_not_there_is_said_in_dutch(tmp_path, capsys):
    missing = tmp_path / "weg.json"
    with pytest.raises(FormatError) as caught:
        load_solution(missing)
    assert caught.value.errors[0].message == (f"invoer: bestand {_show(str(missing))} kan niet gelezen worden "
                                              "(het bestand bestaat niet)")
    err = refused(["greedy", str(missing)], capsys)
    assert err == f"fout: bestand {missing} kan niet gelezen worden (het bestand bestaat niet)\n"
