"""Shared plumbing of the Python client scripts of the ActorStream compatibility suite.

Every script is run by the C# tests as
    /usr/bin/python3 <script> <command> --bootstrap HOST:PORT [--spec JSON] [--timeout SECONDS]
prints exactly one JSON document (the result) as its last stdout line and exits 0, or prints a clear
message on stderr and exits non-zero. Diagnostics go to stderr only. A watchdog thread ends the process
(exit 3) once the hard timeout passes, whatever the client library is blocked in.
"""

import argparse
import json
import os
import sys
import threading
import time
import traceback

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3


class CompatError(Exception):
    """A failed expectation or client error, reported on stderr as one clear line."""


def log(message):
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def emit(document):
    """One JSON line on stdout (streaming events, or the final result)."""
    sys.stdout.write(json.dumps(document, sort_keys=True) + "\n")
    sys.stdout.flush()


def start_watchdog(seconds, what):
    def expire():
        sys.stderr.write(f"TIMEOUT: {what} did not finish within {seconds:g} s (hard timeout); giving up\n")
        sys.stderr.flush()
        os._exit(EXIT_TIMEOUT)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer


def text(data):
    """Bytes from the wire as text for the JSON result (null stays null)."""
    if data is None:
        return None
    if isinstance(data, str):
        return data
    return bytes(data).decode("utf-8", errors="backslashreplace")


def utf8(value):
    return None if value is None else value.encode("utf-8")


class Deadline:
    """Polls a condition until it holds or the deadline passes (used where Kafka itself is asynchronous,
    e.g. a deleted topic leaving metadata); the poll interval is not synchronisation, the condition is."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def remaining(self):
        return max(0.0, self.end - time.monotonic())

    def wait_for(self, description, condition, interval=0.2):
        last = None
        while True:
            last = condition()
            if last:
                return last
            if time.monotonic() >= self.end:
                raise CompatError(f"timed out waiting for {description}")
            time.sleep(interval)


def main(commands, client_name):
    parser = argparse.ArgumentParser(description=f"ActorStream compatibility driver for {client_name}")
    parser.add_argument("command", choices=sorted(commands))
    parser.add_argument("--bootstrap", help="bootstrap servers, host:port (every command but version)")
    parser.add_argument("--spec", default="{}", help="JSON object with the command's parameters")
    parser.add_argument("--timeout", type=float, default=60.0, help="hard timeout in seconds")
    args = parser.parse_args()
    try:
        spec = json.loads(args.spec)
    except ValueError as e:
        sys.stderr.write(f"USAGE: --spec is not valid JSON: {e}\n")
        sys.exit(EXIT_USAGE)

    if args.bootstrap is None and args.command != "version":
        sys.stderr.write(f"USAGE: {args.command} needs --bootstrap HOST:PORT\n")
        sys.exit(EXIT_USAGE)

    start_watchdog(args.timeout, f"{client_name} {args.command}")
    started = time.monotonic()
    try:
        result = commands[args.command](args.bootstrap, spec, Deadline(args.timeout * 0.9))
    except CompatError as e:
        sys.stderr.write(f"FAILED: {client_name} {args.command}: {e}\n")
        sys.stderr.flush()
        os._exit(EXIT_FAILED)
    except Exception as e:  # noqa: BLE001 - any client error is a test failure with its traceback
        traceback.print_exc(file=sys.stderr)
        sys.stderr.write(f"FAILED: {client_name} {args.command}: {type(e).__name__}: {e}\n")
        sys.stderr.flush()
        os._exit(EXIT_FAILED)
    result = dict(result or {})
    result["client"] = client_name
    result["elapsed_ms"] = int((time.monotonic() - started) * 1000)
    emit(result)
    sys.stdout.flush()
    sys.stderr.flush()
    # os._exit: librdkafka/kafka-python background threads must not keep a finished run alive.
    os._exit(0)
