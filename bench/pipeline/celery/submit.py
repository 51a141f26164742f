"""Celery submitter for the pipeline benchmark, driven by the orchestrator over pipes.

stdin: one task key per line. For each, `echo.apply_async((key,))` (LPUSH to the broker, after
Celery's client subscribed to the result's channel) then `ok <key>`; when the result backend
reports the task done, `done <key>`. Completion uses Celery's own client path: `AsyncResult.then()`
and the Redis backend's result consumer (a pub/sub subscription per task), pumped here by a
select() loop, so no thread and no polling interval stands between a result and its line.
"""
import os
import select
import sys

from celery_app import app, echo

out = sys.stdout


def on_done(result):
    out.write(f"done {result.result}\n")


def drain(pubsub, consumer):
    # can_read() looks at redis-py's buffer too; `subscribed` turns false only once the last
    # unsubscribe reply is read, so nothing can be left waiting on the socket then.
    while pubsub.subscribed and pubsub.connection.can_read(timeout=0):
        consumer.drain_events(timeout=0)


def main():
    consumer = app.backend.result_consumer
    fd = sys.stdin.fileno()
    os.set_blocking(fd, False)
    pending = b""
    out.write("ready\n")
    out.flush()
    while True:
        pubsub = consumer._pubsub
        fds = [fd]
        if pubsub is not None and pubsub.subscribed:
            fds.append(pubsub.connection._sock)
        readable, _, _ = select.select(fds, [], [], 1.0)
        if fd in readable:
            chunk = os.read(fd, 65536)
            if not chunk:
                return
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                key = line.decode()
                echo.apply_async((key,)).then(on_done)
                out.write(f"ok {key}\n")
        if consumer._pubsub is not None:
            drain(consumer._pubsub, consumer)
        out.flush()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
