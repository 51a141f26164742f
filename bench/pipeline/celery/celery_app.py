"""Celery side of the pipeline benchmark: the app (Redis broker and result backend) and its
no-op task, imported by the worker (`python3 -m celery -A celery_app worker`) and submit.py."""
import os

from celery import Celery
from celery.signals import worker_ready

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUE = os.environ["BENCH_CELERY_QUEUE"]

app = Celery("bench", broker=REDIS_URL, backend=REDIS_URL)
app.conf.update(
    # A queue of our own on the shared Redis; results expire by themselves.
    task_default_queue=QUEUE,
    result_expires=600,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
)


@app.task(name="bench.echo")
def echo(payload):
    return payload


@worker_ready.connect
def announce_ready(**_):
    # The orchestrator waits for this line. Celery redirects sys.stdout to its logger, so the
    # line goes to the file descriptor itself.
    os.write(1, b"ready\n")
