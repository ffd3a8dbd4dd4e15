"""Command line: solve, check, greedy, generate and bench roster problems."""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import errno
import json
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path

# The --time-limit a solve takes, in seconds: as `flask plan solve`, at least half a second (with
# less CP-SAT hardly starts and gives a poor roster), and at most a day.
MIN_SECONDS = 0.5
MAX_SECONDS = 24 * 3600
MAX_WORKERS = 256


def _fail(message: str) -> None:
    print(f"fout: {message}", file=sys.stderr)
    raise SystemExit(2)


def _read_json(path: str):
    from .io import file_problem, json_problem

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"bestand {path} kan niet gelezen worden ({file_problem(exc)})")
    except UnicodeDecodeError:
        _fail(f"bestand {path} is geen UTF-8-tekst")

    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        # JSONDecodeError, and the ValueError of a number with thousands of digits.
        _fail(f"bestand {path} is geen geldige JSON ({json_problem(exc)})")


def _load_problem(path: str):
    from .io import FormatError, read_problem

    data = _read_json(path)
    try:
        return read_problem(data)
    except FormatError as exc:
        _fail(f"{path} is geen geldig planningsprobleem:\n" + str(exc))


def _load_solution(path: str, problem):
    from .io import FormatError, read_solution

    data = _read_json(path)
    try:
        return read_solution(data, problem)
    except FormatError as exc:
        _fail(f"{path} is geen geldige oplossing:\n" + str(exc))


def _print_solution(solution) -> None:
    from .io import solution_to_dict

    json.dump(solution_to_dict(solution), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_solve(args) -> int:
    problem = _load_problem(args.problem)  # a refused file is said before OR-Tools loads (2 s)
    cancel = threading.Event()
    outcome: dict = {}

    def show(p) -> None:
        print(f"[{p.elapsed_seconds:6.1f}s {100 * p.fraction:3.0f}%] beste {p.best_objective} "
              f"grens {p.best_bound}", file=sys.stderr, flush=True)

    def work() -> None:
        try:
            from .solver import solve  # here: OR-Tools' threads start with Ctrl-C blocked

            if cancel.is_set():
                return  # stopped while OR-Tools loaded: no roster yet
            outcome["solution"] = solve(problem, time_limit=args.time_limit, workers=args.workers,
                                        deterministic=args.deterministic, progress=show,
                                        cancel=cancel)
        except BaseException as exc:  # noqa: BLE001 - raised again in the main thread
            outcome["error"] = exc

    started = time.monotonic()
    interrupted = _run_stoppable(work, cancel)
    if "error" in outcome:
        raise outcome["error"]
    solution = outcome.get("solution")
    if not interrupted:
        _print_solution(solution)
        return 0
    if solution is not None and solution.status in ("OPTIMAL", "FEASIBLE"):
        _print_solution(solution)
        print(f"Afgebroken na {time.monotonic() - started:.1f} s: het beste rooster tot nu toe staat op "
              f"stdout (status {solution.status}, score {solution.objective}).", file=sys.stderr, flush=True)
    else:
        print("Afgebroken: er is nog geen rooster gevonden.", file=sys.stderr, flush=True)
    return 130  # as a shell reports a command stopped with Ctrl-C


def _run_stoppable(work, cancel: threading.Event) -> bool:
    """Run `work` in a thread; Ctrl-C sets `cancel` (the solver then stops and returns the best
    roster so far) and a second Ctrl-C ends the process at once. Whether Ctrl-C was pressed.

    CP-SAT installs its own SIGINT handler while it searches (it then stops only that one
    search) and leaves SIGINT at the default, process-ending action after each search. So SIGINT
    is blocked in every thread here (the solver's threads inherit that) and this thread takes it
    with sigtimedwait, whatever handler is installed; afterwards Python's handler is put back.
    Where that is not possible (not Linux, or not the main thread) KeyboardInterrupt stops it.
    """
    thread = threading.Thread(target=work, name="solve", daemon=True)
    masked = (hasattr(signal, "pthread_sigmask") and hasattr(signal, "sigtimedwait")
              and threading.current_thread() is threading.main_thread())
    interrupted = False

    def stop() -> None:
        nonlocal interrupted
        if interrupted:
            print("Meteen afgebroken; er is geen rooster geschreven.", file=sys.stderr, flush=True)
            os._exit(130)
        interrupted = True
        cancel.set()
        print("Afgebroken: de planner stopt en geeft het beste rooster tot nu toe "
              "(nog een keer Ctrl-C stopt meteen, zonder rooster).", file=sys.stderr, flush=True)

    if not masked:
        thread.start()
        while thread.is_alive():
            try:
                thread.join(0.1)
            except KeyboardInterrupt:
                stop()
        return interrupted

    handler = signal.getsignal(signal.SIGINT)
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        thread.start()
        while thread.is_alive():
            if signal.sigtimedwait({signal.SIGINT}, 0.1) is not None:
                stop()
        thread.join()
        if signal.sigtimedwait({signal.SIGINT}, 0) is not None:  # pressed as the solver finished
            stop()
    finally:
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return interrupted


def cmd_check(args) -> int:
    from .checker import check

    problem = _load_problem(args.problem)
    solution = _load_solution(args.solution, problem)
    report = check(problem, solution)
    for violation in report.violations:
        print(f"- {violation}")
    for name, value in dataclasses.asdict(report.metrics).items():
        print(f"{name}: {value}")
    print("geen overtredingen" if report.ok else f"{len(report.violations)} overtredingen")
    return 0 if report.ok else 1


def cmd_greedy(args) -> int:
    from .greedy import greedy

    _print_solution(greedy(_load_problem(args.problem)))
    return 0


def cmd_generate(args) -> int:
    from .generate import generate
    from .io import problem_to_dict

    if not args.out:
        print(json.dumps(problem_to_dict(generate(args.size, args.seed)), ensure_ascii=False, indent=2))
        return 0
    try:
        # Opened first: a folder that is not there is said before the problem is made.
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(json.dumps(problem_to_dict(generate(args.size, args.seed)), ensure_ascii=False,
                                 indent=2) + "\n")
    except OSError as exc:
        _fail(_write_problem(args.out, exc))
    return 0


def _write_problem(path: str, exc: OSError) -> str:
    """Why a file could not be written, in Dutch (as the app's export commands say it)."""
    folder = Path(path).parent
    if isinstance(exc, IsADirectoryError) or Path(path).is_dir():
        return f"kan {path} niet schrijven: dat is een map"
    if not folder.is_dir():
        return f"kan {path} niet schrijven: de map {folder} bestaat niet"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"kan {path} niet schrijven: geen schrijfrechten in die map"
    if exc.errno == errno.ENOSPC:
        return f"kan {path} niet schrijven: de schijf is vol"
    return f"kan {path} niet schrijven: {exc.strerror or exc.__class__.__name__}"


def cmd_bench(args) -> int:
    from .bench import format_table, parse_seeds, parse_sizes, run, summary

    try:
        sizes = parse_sizes(args.sizes)
    except ValueError as error:
        print(f"--sizes: {error}", file=sys.stderr)
        return 2
    try:
        seeds = parse_seeds(args.seeds) if args.seeds else [args.seed]
    except ValueError as error:
        print(f"--seeds: {error}", file=sys.stderr)
        return 2
    rows = run(sizes, seeds, args.workers, args.time_limit)
    print(format_table(rows))
    if summary(rows):
        print(summary(rows))
    return 0 if len(rows) == len(sizes) * len(seeds) else 1


def cmd_bench_one(args) -> int:
    from .bench import bench_one

    print(json.dumps(bench_one(args.size, args.seed, args.time_limit, args.workers)))
    return 0


def _seconds(text: str) -> float:
    """--time-limit: seconds, at least MIN_SECONDS (0 s gives a poor roster, a negative or 'nan'
    none at all) and finite; a decimal comma as well as a point."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and MIN_SECONDS <= value <= MAX_SECONDS):
        raise argparse.ArgumentTypeError(
            f"geef een aantal seconden van 0,5 tot en met {MAX_SECONDS}, niet '{text}'")
    return value


def _workers(text: str) -> int:
    """--workers: the number of search threads, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"geef een geheel aantal van 1 tot en met {MAX_WORKERS}, niet '{text}'")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"geef een geheel getal van 0 of meer, niet '{text}'")
    return value


# argparse's own messages (Python 3.11 to 3.13) in Dutch. argparse looks each one up through its
# module's `_` and `ngettext` (gettext's hook) when it needs it; _dutch_argparse swaps those for
# the time a command line is read. A message not listed here stays English.
_ARGPARSE_NL = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "optional arguments": "opties",
    "subcommands": "opdrachten",
    "show this help message and exit": "toon deze hulp en stop",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "dit ontbreekt nog: %s",
    "one of the arguments %s is required": "geef een van deze: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "unrecognized arguments: %(args)s": "onbekende argumenten: %(args)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ongeldige keuze %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde %(value)r",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "onbekende opdracht %(parser_name)r (kies uit %(choices)s)",
    "expected one argument": "hier hoort een waarde bij",
    "expected at most one argument": "hier hoort hoogstens een waarde bij",
    "expected at least one argument": "hier hoort minstens een waarde bij",
    "not allowed with argument %s": "niet samen met %s",
    "ignored explicit argument %r": "neemt geen waarde, ook niet %r",
    "ambiguous option: %(option)s could match %(matches)s": "onduidelijke optie %(option)s: bedoel je %(matches)s?",
    "unexpected option string: %s": "onverwachte optie: %s",
}
_ARGPARSE_NL_PLURAL = {
    ("expected %s argument", "expected %s arguments"): ("hier hoort %s waarde bij", "hier horen %s waarden bij"),
}


@contextlib.contextmanager
def _dutch_argparse():
    """argparse's messages in Dutch while the command line is read (and restored after: a
    program that calls main() keeps its own argparse as it was)."""
    saved = {name: getattr(argparse, name) for name in ("_", "ngettext") if hasattr(argparse, name)}

    def dutch(message: str) -> str:
        if message in _ARGPARSE_NL:
            return _ARGPARSE_NL[message]
        return saved["_"](message) if "_" in saved else message

    def dutch_plural(singular: str, plural: str, n: int) -> str:
        if (singular, plural) in _ARGPARSE_NL_PLURAL:
            one, more = _ARGPARSE_NL_PLURAL[(singular, plural)]
            return one if n == 1 else more
        return saved["ngettext"](singular, plural, n) if "ngettext" in saved else plural

    hooks = {"_": dutch, "ngettext": dutch_plural}
    for name in saved:
        setattr(argparse, name, hooks[name])
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(argparse, name, value)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scheduling",
                                description="Roosterplanner: oplossen, controleren, benchmarken")
    sub = p.add_subparsers(dest="opdracht", required=True)
    seconds_help = f"seconden, van 0,5 tot en met {MAX_SECONDS}"

    s = sub.add_parser("solve", help="los een planningsprobleem op (JSON naar stdout)",
                       description="Los een planningsprobleem op; de oplossing komt als JSON op stdout. "
                                   "Ctrl-C stopt en geeft het beste rooster tot nu toe.")
    s.add_argument("problem", metavar="probleem", help="het planningsprobleem (JSON-bestand)")
    s.add_argument("--time-limit", type=_seconds, default=30.0, metavar="SECONDEN",
                   help=seconds_help + " (standaard 30)")
    s.add_argument("--workers", type=_workers, default=2, metavar="AANTAL", help="aantal zoekdraden (standaard 2)")
    s.add_argument("--deterministic", action="store_true", help="bij elke run dezelfde uitkomst")
    s.set_defaults(run=cmd_solve)

    c = sub.add_parser("check", help="controleer een oplossing; exit 1 bij overtredingen")
    c.add_argument("problem", metavar="probleem", help="het planningsprobleem (JSON-bestand)")
    c.add_argument("solution", metavar="oplossing", help="de oplossing (JSON-bestand)")
    c.set_defaults(run=cmd_check)

    g = sub.add_parser("greedy", help="snelle gretige oplossing")
    g.add_argument("problem", metavar="probleem", help="het planningsprobleem (JSON-bestand)")
    g.set_defaults(run=cmd_greedy)

    gen = sub.add_parser("generate", help="maak een testprobleem")
    gen.add_argument("--size", choices=["S", "M", "L", "XL"], default="S", help="grootte (standaard S)")
    gen.add_argument("--seed", type=_seed, default=1, metavar="GETAL", help="welke week van die grootte (standaard 1)")
    gen.add_argument("--out", metavar="BESTAND", help="schrijf naar dit bestand in plaats van naar stdout")
    gen.set_defaults(run=cmd_generate)

    b = sub.add_parser("bench", help="vergelijk CP-SAT met gretig per grootte")
    b.add_argument("--sizes", default="S,M,L", metavar="GROOTTES", help="groottes (standaard S,M,L)")
    b.add_argument("--seed", type=_seed, default=1, metavar="GETAL", help="welke week (standaard 1)")
    b.add_argument("--seeds", metavar="WEKEN", help="meer weken: 1-10, 2,7 of 1-3,7 (in plaats van --seed)")
    b.add_argument("--workers", type=_workers, default=2, metavar="AANTAL", help="aantal zoekdraden (standaard 2)")
    b.add_argument("--time-limit", type=_seconds, default=None, metavar="SECONDEN",
                   help=seconds_help + " (standaard per grootte: S en M 10, L 60, XL 120)")
    b.set_defaults(run=cmd_bench)

    one = sub.add_parser("bench-one")  # one size in a child process, JSON out
    one.add_argument("--size", required=True)
    one.add_argument("--seed", type=_seed, default=1)
    one.add_argument("--time-limit", type=_seconds, required=True)
    one.add_argument("--workers", type=_workers, default=2)
    one.set_defaults(run=cmd_bench_one)
    return p


def main(argv: list[str] | None = None) -> int:
    with _dutch_argparse():
        args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
