"""Command line: solve, check, greedy, generate and bench roster problems."""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path


def _fail(message: str) -> None:
    print(f"fout: {message}", file=sys.stderr)
    raise SystemExit(2)


def _read_json(path: str):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"bestand {path} kan niet gelezen worden ({exc.strerror or exc.__class__.__name__})")
    except UnicodeDecodeError:
        _fail(f"bestand {path} is geen UTF-8-tekst")
    from .io import json_problem

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
    from .solver import Progress, solve

    def show(p: Progress) -> None:
        print(f"[{p.elapsed_seconds:6.1f}s {100 * p.fraction:3.0f}%] beste {p.best_objective} "
              f"grens {p.best_bound}", file=sys.stderr, flush=True)

    solution = solve(problem, time_limit=args.time_limit, workers=args.workers,
                     deterministic=args.deterministic, progress=show)
    _print_solution(solution)
    return 0


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

    text = json.dumps(problem_to_dict(generate(args.size, args.seed)), ensure_ascii=False,
                      indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


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


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scheduling",
                                description="Roosterplanner: oplossen, controleren, benchmarken")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("solve", help="los een planningsprobleem op (JSON naar stdout)")
    s.add_argument("problem")
    s.add_argument("--time-limit", type=float, default=30.0)
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--deterministic", action="store_true")
    s.set_defaults(run=cmd_solve)

    c = sub.add_parser("check", help="controleer een oplossing; exit 1 bij overtredingen")
    c.add_argument("problem")
    c.add_argument("solution")
    c.set_defaults(run=cmd_check)

    g = sub.add_parser("greedy", help="snelle gretige oplossing")
    g.add_argument("problem")
    g.set_defaults(run=cmd_greedy)

    gen = sub.add_parser("generate", help="maak een testprobleem")
    gen.add_argument("--size", choices=["S", "M", "L", "XL"], default="S")
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--out")
    gen.set_defaults(run=cmd_generate)

    b = sub.add_parser("bench", help="vergelijk CP-SAT met gretig per grootte")
    b.add_argument("--sizes", default="S,M,L")
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--seeds", help="meer weken: 1-10, 2,7 of 1-3,7 (in plaats van --seed)")
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--time-limit", type=float, default=None)
    b.set_defaults(run=cmd_bench)

    one = sub.add_parser("bench-one")  # one size in a child process, JSON out
    one.add_argument("--size", required=True)
    one.add_argument("--seed", type=int, default=1)
    one.add_argument("--time-limit", type=float, required=True)
    one.add_argument("--workers", type=int, default=2)
    one.set_defaults(run=cmd_bench_one)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
