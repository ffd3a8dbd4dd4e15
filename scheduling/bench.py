"""Benchmark the CP-SAT solver against the greedy baseline on generated instances."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

from .domain import Problem
from .model import ProblemIndex, build_model
from .solver import solve

DEFAULT_TIME_LIMITS = {"S": 10.0, "M": 10.0, "L": 60.0, "XL": 120.0}


def model_size(problem: Problem) -> tuple[int, int, float]:
    """Variables, constraints and seconds to build every region's model."""
    started = time.perf_counter()
    index = ProblemIndex.of(problem)
    variables = constraints = 0
    for region in index.regions:
        m = build_model(index, region)
        variables += m.num_variables
        constraints += m.num_constraints
    return variables, constraints, time.perf_counter() - started


def bench_one(size: str, seed: int, time_limit: float, workers: int) -> dict:
    """Measure one size in this process; run it in a child so peak memory is its own."""
    from .checker import check, objective
    from .generate import generate
    from .greedy import greedy

    problem = generate(size, seed)
    variables, constraints, build_seconds = model_size(problem)
    started = time.perf_counter()
    solution = solve(problem, time_limit=time_limit, workers=workers)
    solve_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = check(problem, solution)

    started = time.perf_counter()
    baseline = greedy(problem)
    greedy_seconds = time.perf_counter() - started
    greedy_report = check(problem, baseline)
    greedy_objective = objective(problem, baseline.assignments, baseline.supervision)
    objective_value = solution.objective or 0
    bound = solution.best_bound or 0
    return {
        "size": size, "seed": seed, "employees": len(problem.employees), "teams": len(problem.teams),
        "vars": variables, "constraints": constraints, "build_s": build_seconds,
        "solve_s": solve_seconds, "peak_mb": peak_mb, "status": solution.status,
        "objective": solution.objective, "bound": solution.best_bound,
        "gap_pct": 100.0 * (objective_value - bound) / objective_value if objective_value else 0.0,
        "coverage_pct": 100.0 * report.metrics.coverage,
        "check": "ok" if report.ok else f"{len(report.violations)} fout",
        "checker_objective": objective(problem, solution.assignments, solution.supervision),
        "greedy_s": greedy_seconds, "greedy_objective": greedy_objective,
        "greedy_coverage_pct": 100.0 * greedy_report.metrics.coverage,
        "greedy_check": "ok" if greedy_report.ok else f"{len(greedy_report.violations)} fout",
    }


COLUMNS = [
    ("size", "{}"), ("seed", "{}"), ("employees", "{}"), ("vars", "{}"), ("constraints", "{}"),
    ("build_s", "{:.2f}"), ("solve_s", "{:.2f}"), ("peak_mb", "{:.0f}"), ("status", "{}"),
    ("objective", "{}"), ("bound", "{}"), ("gap_pct", "{:.2f}"), ("coverage_pct", "{:.1f}"),
    ("check", "{}"), ("greedy_s", "{:.2f}"), ("greedy_objective", "{}"),
    ("greedy_coverage_pct", "{:.1f}"), ("greedy_check", "{}"),
]


def format_table(rows: list[dict]) -> str:
    header = [name for name, _ in COLUMNS]
    body = [[fmt.format(row[name]) if row.get(name) is not None else "-" for name, fmt in COLUMNS]
            for row in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h)
              for i, h in enumerate(header)]
    lines = [" | ".join(h.rjust(w) for h, w in zip(header, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.rjust(w) for c, w in zip(b, widths)) for b in body]
    return "\n".join(lines)


def parse_sizes(text: str) -> list[str]:
    """'S,M,L' -> the sizes; ValueError with a message in Dutch for a size generate() does not
    know, before a child process meets it (each printed a traceback, and the table came out empty)."""
    from .generate import SIZES

    choice = f"{', '.join(list(SIZES)[:-1])} of {list(SIZES)[-1]} (zo: S,M,L)"
    sizes = [s.strip().upper() for s in text.split(",") if s.strip()]
    if not sizes:
        raise ValueError(f"geef een of meer groottes: {choice}")
    for size in sizes:
        if size not in SIZES:
            raise ValueError(f"'{size}' is geen grootte: kies uit {choice}")
    return sizes


def parse_seeds(text: str) -> list[int]:
    """'1-10', '2,7' or '1-3,7' -> the seeds in that order; ValueError with a message in Dutch
    (the command's language) for anything else."""
    seeds: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        first, dash, last = part.partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise ValueError(f"'{part}' is geen seed of reeks seeds (zo: 1-10 of 2,7)") from None
        if low < 0 or high < low:
            raise ValueError(f"'{part}' is geen reeks seeds: van een getal tot een hoger getal")
        seeds.extend(n for n in range(low, high + 1) if n not in seeds)
    return seeds


def summary(rows: list[dict]) -> str:
    """Per size benched on more than one seed (in the command's Dutch): the spread of the gap, how
    many are within 1% or optimal, and how many beat greedy."""
    lines = []
    for size in dict.fromkeys(row["size"] for row in rows):
        gaps = sorted(row["gap_pct"] for row in rows if row["size"] == size)
        if len(gaps) < 2:
            continue
        optimal = sum(1 for row in rows if row["size"] == size and row["status"] == "OPTIMAL")
        better = sum(1 for row in rows if row["size"] == size
                     and row["objective"] is not None and row["objective"] < row["greedy_objective"])
        middle = len(gaps) // 2
        median = gaps[middle] if len(gaps) % 2 else (gaps[middle - 1] + gaps[middle]) / 2
        lines.append(f"{size}: {len(gaps)} seeds, gap {gaps[0]:.2f}% .. {median:.2f}% "
                     f"(mediaan) .. {gaps[-1]:.2f}%; binnen 1%: {sum(1 for g in gaps if g <= 1.0)}; "
                     f"optimaal: {optimal}; beter dan gretig: {better}")
    return "\n".join(lines)


def run(sizes: list[str], seeds: list[int] | int, workers: int, time_limit: float | None = None
        ) -> list[dict]:
    """Bench each size on each seed in its own process; one that fails is reported on stderr."""
    rows = []
    for size in sizes:
        limit = time_limit if time_limit is not None else DEFAULT_TIME_LIMITS.get(size, 30.0)
        for seed in [seeds] if isinstance(seeds, int) else seeds:
            child = subprocess.run(
                [sys.executable, "-m", "scheduling", "bench-one", "--size", size, "--seed", str(seed),
                 "--time-limit", str(limit), "--workers", str(workers)],
                capture_output=True, text=True)
            if child.returncode != 0:
                print(f"{size} seed {seed}: mislukt\n{child.stderr}", file=sys.stderr)
                continue
            rows.append(json.loads(child.stdout))
    return rows
