"""An RQ worker whose solver never returns: stands in for a worker killed in the middle of a solve.

Run as `python -m tests.app.hanging_worker REDIS_URL QUEUE`; the test kills it with SIGKILL.
"""
import sys
import time

from redis import Redis
from rq import Queue, SimpleWorker

from binnenwerk import jobs


def hang(problem, **kwargs):
    time.sleep(600)


if __name__ == "__main__":
    jobs.solve = hang
    connection = Redis.from_url(sys.argv[1])
    SimpleWorker([Queue(sys.argv[2], connection=connection)], connection=connection).work(burst=True)
