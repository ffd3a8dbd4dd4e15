"""Renders the all-teams roster of a week a few times, with the garbage collector on.

Run as `DATABASE_URL=... python -m tests.app.gc_crash_probe WEEK` on the large demo
(`flask --app binnenwerk seed-demo --size large`), best with PYTHONMALLOC=debug (freed memory is
overwritten, so a use after free shows at once). Exit status 0 means it got through; the crash it
guards against (binnenwerk/extensions.py) ended the process with a segmentation fault.
"""
import faulthandler
import gc
import sys

from binnenwerk import bench, create_app


def main(week: str, renders: int = 8) -> None:
    faulthandler.enable()
    app = create_app()
    gc.set_threshold(700, 10, 10)  # Python's default, with which the crash came within a few renders
    bench.run(app, week, repeat=renders)
    print("probe: survived")


if __name__ == "__main__":
    main(sys.argv[1])
