"""Celery beat loaded with BEAT_SCHEDULES entries that all fire every minute (crontab()),
sending to BEAT_QUEUE on the Redis broker BEAT_BROKER: the baseline of bench/scheduler/run.mjs.
No worker consumes the queue; the benchmark counts what beat sends."""
import os

from celery import Celery
from celery.schedules import crontab

app = Celery("beatbench", broker=os.environ["BEAT_BROKER"])
queue = os.environ["BEAT_QUEUE"]
app.conf.task_default_queue = queue
app.conf.timezone = "UTC"
app.conf.beat_schedule = {
    f"s{i}": {"task": "bench.echo", "schedule": crontab(), "args": ("b",), "options": {"queue": queue}}
    for i in range(int(os.environ["BEAT_SCHEDULES"]))
}
