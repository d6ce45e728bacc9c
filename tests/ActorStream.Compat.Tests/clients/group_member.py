#!/usr/bin/python3
"""A long-running consumer-group member for the ActorStream compatibility suite (confluent-kafka-python or
kafka-python, always under /usr/bin/python3).

    /usr/bin/python3 group_member.py --client confluent|kafka-python --bootstrap HOST:PORT --group G --topic T
        [--name NAME] [--instance-id ID] [--strategy range|roundrobin|cooperative-sticky]
        [--auto-offset-reset earliest|latest] [--commit auto|after-processing|none]
        [--session-timeout-ms N] [--heartbeat-interval-ms N] [--batch N] [--max-records N]
        [--process-delay-ms N] [--timeout SECONDS]

It subscribes to T in group G and runs until its stdin closes (then it closes the consumer, which leaves the
group, and exits 0), until it processed --max-records records (same), until it is killed, or until the hard
timeout (exit 3). Every event is one JSON line on stdout, flushed at once (the C# harness reads them as they
come); diagnostics go to stderr:

  {"event": "started", "member": NAME, "client": ..., "pid": ...}
  {"event": "assigned", "partitions": [delta], "assignment": [whole assignment after], "generation": g, "member_id": ...}
  {"event": "revoked",  "partitions": [delta], "assignment": [whole assignment after], "generation": g}
  {"event": "lost", ...}                (confluent: partitions lost without a revoke, e.g. after a session timeout)
  {"event": "positions", "positions": {"p": next offset}, "generation": g}
                                        once after each assignment, as soon as the consumer knows where it fetches
                                        each assigned partition from (committed offset or auto.offset.reset): the
                                        next offset at that moment (past any record already processed)
  {"event": "record", "partition": p, "offset": o, "key": k, "value": v, "generation": g}
  {"event": "committed", "offsets": {"p": next offset}, "generation": g}       (--commit after-processing)
  {"event": "commit_failed", "offsets": {...}, "error": "...", "generation": g}
  {"event": "closed", "reason": "stdin closed" | "max records", "records": n}

"partitions" is what the rebalance callback named; "assignment" is the member's whole assignment after it
(eager protocols revoke everything and assign the whole new set; cooperative-sticky revokes and assigns
increments). "generation" is the group generation of the member's current assignment, taken in the assign
callback (librdkafka's consumer group metadata for confluent-kafka, the coordinator's joined generation for
kafka-python), so a record is tagged with the generation whose assignment gave the member its partition.

--commit after-processing: auto commit off; the offsets of processed records (printed as "record" events)
are committed synchronously after every --batch records, whenever a poll returns nothing, in the revoke
callback for the partitions leaving, and before a clean close; each commit is followed by a "committed" (or
"commit_failed") event, so the last "committed" offsets are a lower bound of what the group has committed.
--commit auto: the client's auto commit, every second. --commit none: no commits.
"""

import argparse
import json
import os
import struct
import sys
import threading
import time

from compat_common import EXIT_FAILED, EXIT_USAGE, emit, log, start_watchdog, text

STRATEGIES = ("range", "roundrobin", "cooperative-sticky")


def parse_args():
    parser = argparse.ArgumentParser(description="ActorStream compatibility: a long-running consumer-group member")
    parser.add_argument("--client", required=True, choices=["confluent", "kafka-python"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--name", default=None, help="the member's name in the events and its client.id")
    parser.add_argument("--instance-id", default=None, help="group.instance.id: static membership (confluent only)")
    parser.add_argument("--strategy", default="range", choices=STRATEGIES)
    parser.add_argument("--auto-offset-reset", default="earliest", choices=["earliest", "latest"])
    parser.add_argument("--commit", default="auto", choices=["auto", "after-processing", "none"])
    parser.add_argument("--session-timeout-ms", type=int, default=10000)
    parser.add_argument("--heartbeat-interval-ms", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100, help="records per poll (and per commit)")
    parser.add_argument("--max-records", type=int, default=0, help="stop cleanly after processing this many (0: no limit)")
    parser.add_argument("--process-delay-ms", type=int, default=0, help="simulated processing time per record")
    parser.add_argument("--timeout", type=float, default=300.0, help="hard timeout in seconds")
    args = parser.parse_args()
    if args.instance_id and args.client != "confluent":
        parser.error("--instance-id (static membership) needs --client confluent: kafka-python 2.0.2 has no group.instance.id")
    if args.strategy == "cooperative-sticky" and args.client != "confluent":
        parser.error("--strategy cooperative-sticky needs --client confluent: kafka-python 2.0.2 has only eager assignors")
    args.name = args.name or f"{args.client}-{os.getpid()}"
    return args


class Member:
    """The client-independent part: the current assignment, the counters, the pending commits and the events."""

    def __init__(self, args):
        self.args = args
        self.assignment = set()
        self.generation = None  # the generation of the current assignment (taken in the assign callback)
        self.member_id = None
        self.records = 0
        self.pending = {}  # partition -> next offset, processed but not committed yet (--commit after-processing)
        self.uncommitted = 0  # records processed since the last commit of everything pending
        self.positions_pending = False
        self.stop = threading.Event()
        self.stop_reason = None

    def event(self, kind, **fields):
        emit(dict(fields, event=kind, member=self.args.name, t=round(time.time() * 1000)))

    def assigned(self, partitions, incremental, generation, member_id):
        partitions = sorted(partitions)
        self.generation, self.member_id = generation, member_id
        self.assignment = (self.assignment | set(partitions)) if incremental else set(partitions)
        self.positions_pending = True
        self.event("assigned", partitions=partitions, assignment=sorted(self.assignment), generation=self.generation,
                   member_id=self.member_id, incremental=incremental)

    def revoked(self, kind, partitions, incremental):
        partitions = sorted(partitions)
        if not partitions:
            return
        self.assignment = (self.assignment - set(partitions)) if incremental else set()
        if not self.assignment:
            self.positions_pending = False
        self.event(kind, partitions=partitions, assignment=sorted(self.assignment), generation=self.generation,
                   incremental=incremental)

    def record(self, partition, offset, key, value):
        self.event("record", partition=partition, offset=offset, key=text(key), value=text(value), generation=self.generation)
        self.records += 1
        self.uncommitted += 1
        self.pending[partition] = offset + 1
        if self.args.process_delay_ms:
            time.sleep(self.args.process_delay_ms / 1000.0)

    def take_pending(self, partitions=None):
        """The processed offsets to commit now (all, or those of the given partitions), forgotten here."""
        if self.args.commit != "after-processing":
            self.pending.clear()
            self.uncommitted = 0
            return {}
        taken = {p: o for p, o in self.pending.items() if partitions is None or p in partitions}
        for p in taken:
            del self.pending[p]
        if not self.pending:
            self.uncommitted = 0
        return taken

    def commit_result(self, offsets, error):
        shown = {str(p): o for p, o in sorted(offsets.items())}
        if error:
            self.event("commit_failed", offsets=shown, error=error, generation=self.generation)
        else:
            self.event("committed", offsets=shown, generation=self.generation)

    def limit_reached(self):
        return bool(self.args.max_records) and self.records >= self.args.max_records

    def watch_stdin(self):
        def read():
            sys.stdin.read()  # the harness closes our stdin to say "leave the group and exit"
            self.stop_reason = self.stop_reason or "stdin closed"
            self.stop.set()

        threading.Thread(target=read, daemon=True).start()

    def closed(self):
        self.event("closed", reason=self.stop_reason or "max records", records=self.records)


# --- confluent-kafka-python (librdkafka) --------------------------------------------------------------------

def run_confluent(member):
    from confluent_kafka import Consumer, KafkaException, TopicPartition
    import confluent_kafka

    args = member.args
    cooperative = args.strategy == "cooperative-sticky"
    stats = {"seq": 0, "assigned_at": 0, "partitions": {}}

    def on_stats(data):
        # Called from poll(): {"topics": {T: {"partitions": {"p": {"fetch_state", "next_offset", ...}}}}}
        topic = json.loads(data).get("topics", {}).get(args.topic, {})
        stats["partitions"] = {int(p): v for p, v in topic.get("partitions", {}).items() if int(p) >= 0}
        stats["seq"] += 1

    config = {
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "client.id": args.name,
        "auto.offset.reset": args.auto_offset_reset,
        "enable.auto.commit": args.commit == "auto",
        "auto.commit.interval.ms": 1000,
        "session.timeout.ms": args.session_timeout_ms,
        "heartbeat.interval.ms": args.heartbeat_interval_ms,
        "partition.assignment.strategy": args.strategy,
        "enable.partition.eof": False,
        "socket.timeout.ms": 10000,
        "reconnect.backoff.max.ms": 1000,
        "topic.metadata.refresh.interval.ms": 5000,
        # The statistics tell when the fetcher knows a partition's start offset (see positions_known).
        "statistics.interval.ms": 200,
    }
    if args.instance_id:
        config["group.instance.id"] = args.instance_id
    log(f"confluent-kafka {confluent_kafka.version()[0]} (librdkafka {confluent_kafka.libversion()[0]}) member {args.name}: {config}")
    consumer = Consumer(dict(config, error_cb=lambda err: log(f"librdkafka error: {err}"), stats_cb=on_stats))

    def group_metadata():
        # consumer_group_metadata() is librdkafka's serialized rd_kafka_consumer_group_metadata_t:
        # b"CGMDv2:" + int32 generation id (host byte order) + group id NUL + member id NUL + ...
        raw = consumer.consumer_group_metadata()
        if not (isinstance(raw, (bytes, bytearray)) and raw.startswith(b"CGMDv2:") and len(raw) >= 11):
            return None, None
        generation = struct.unpack_from("=i", raw, 7)[0]
        rest = bytes(raw[11:]).split(b"\x00")
        member_id = rest[1].decode("utf-8", "replace") if len(rest) >= 2 else ""
        return (generation if generation >= 0 else None), (member_id or None)

    def commit(offsets):
        if not offsets:
            return
        try:
            result = consumer.commit(offsets=[TopicPartition(args.topic, p, o) for p, o in offsets.items()], asynchronous=False)
            errors = [f"{tp.partition}: {tp.error}" for tp in (result or []) if tp.error]
            member.commit_result(offsets, "; ".join(errors))
        except KafkaException as e:
            member.commit_result(offsets, str(e.args[0]))

    def on_assign(_, partitions):
        stats["assigned_at"] = stats["seq"]
        generation, member_id = group_metadata()
        member.assigned([tp.partition for tp in partitions], cooperative, generation, member_id)
        # confluent-kafka-python then calls assign()/incremental_assign() itself (we did not).

    def on_revoke(_, partitions):
        revoked = [tp.partition for tp in partitions]
        commit(member.take_pending(set(revoked)))  # what was processed, committed before it moves
        member.revoked("revoked", revoked, cooperative)

    def on_lost(_, partitions):
        lost = [tp.partition for tp in partitions]
        member.take_pending(set(lost))  # too late to commit: the partitions may already be someone else's
        member.revoked("lost", lost, cooperative)

    consumer.subscribe([args.topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)

    def positions_known():
        # position() is the application's next offset: OFFSET_INVALID (-1001) until the application consumed a
        # record of the partition. Before that, the statistics taken after the assignment tell when the fetcher
        # resolved the start offset (committed offset or auto.offset.reset): fetch_state "active", next_offset.
        if not member.assignment:
            return {}
        positions = {}
        for tp in consumer.position([TopicPartition(args.topic, p) for p in sorted(member.assignment)]):
            if tp.offset >= 0:
                positions[str(tp.partition)] = tp.offset
                continue
            s = stats["partitions"].get(tp.partition) if stats["seq"] > stats["assigned_at"] else None
            if not s or s.get("fetch_state") != "active" or s.get("next_offset", -1) < 0:
                return None
            positions[str(tp.partition)] = s["next_offset"]
        return positions

    while not member.stop.is_set() and not member.limit_reached():
        # poll() one record at a time: a record it returns comes after any rebalance callback served in the same
        # call, so it belongs to the assignment (and generation) current when it is returned.
        m = consumer.poll(0.2)
        if m is not None:
            if m.error():
                log(f"consume error: {m.error()}")
                if m.error().fatal():
                    raise KafkaException(m.error())
            else:
                member.record(m.partition(), m.offset(), m.key(), m.value())
        if m is None or member.uncommitted >= args.batch:  # commit after each --batch records, and when idle
            commit(member.take_pending())
        if member.positions_pending:
            positions = positions_known()
            if positions is not None:
                member.positions_pending = False
                member.event("positions", positions=positions, generation=member.generation)
    commit(member.take_pending())
    consumer.close()  # leaves the group (a static member does not: KIP-345), commits if auto commit


# --- kafka-python --------------------------------------------------------------------------------------------

def run_kafka_python(member):
    import kafka
    from kafka import ConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata, TopicPartition
    from kafka.coordinator.assignors.range import RangePartitionAssignor
    from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
    from kafka.errors import KafkaError

    args = member.args
    assignor = {"range": RangePartitionAssignor, "roundrobin": RoundRobinPartitionAssignor}[args.strategy]
    config = dict(
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        client_id=args.name,
        auto_offset_reset=args.auto_offset_reset,
        enable_auto_commit=args.commit == "auto",
        auto_commit_interval_ms=1000,
        session_timeout_ms=args.session_timeout_ms,
        heartbeat_interval_ms=args.heartbeat_interval_ms,
        partition_assignment_strategy=[assignor],
        max_poll_records=args.batch,
        request_timeout_ms=max(30000, args.session_timeout_ms + 5000),
        reconnect_backoff_max_ms=1000,
        api_version_auto_timeout_ms=10000,
    )
    log(f"kafka-python {kafka.__version__} member {args.name}: {config}")
    consumer = KafkaConsumer(**config)

    def commit(offsets):
        if not offsets:
            return
        try:
            consumer.commit({TopicPartition(args.topic, p): OffsetAndMetadata(o, None) for p, o in offsets.items()})
            member.commit_result(offsets, None)
        except KafkaError as e:
            member.commit_result(offsets, f"{type(e).__name__}: {e}")

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            partitions = [tp.partition for tp in revoked]
            commit(member.take_pending(set(partitions)))
            member.revoked("revoked", partitions, False)

        def on_partitions_assigned(self, assigned):
            # kafka-python 2.0.2 has no public API for the generation: its coordinator holds the one just joined.
            generation = consumer._coordinator._generation  # noqa: SLF001
            member.assigned([tp.partition for tp in assigned], False,
                            generation.generation_id if generation.generation_id >= 0 else None, generation.member_id or None)

    consumer.subscribe([args.topic], listener=Listener())

    while not member.stop.is_set() and not member.limit_reached():
        # kafka-python rejoins inside poll() before it returns records: they belong to the assignment current then.
        batches = consumer.poll(timeout_ms=200, max_records=args.batch)
        for tp, records in sorted(batches.items(), key=lambda kv: kv[0].partition):
            for r in records:
                if member.limit_reached():
                    break
                member.record(tp.partition, r.offset, r.key, r.value)
        commit(member.take_pending())
        if member.positions_pending:
            # position() blocks until the start offset is known (committed offset or auto_offset_reset).
            member.positions_pending = False
            positions = {str(p): consumer.position(TopicPartition(args.topic, p)) for p in sorted(member.assignment)}
            member.event("positions", positions=positions, generation=member.generation)
    commit(member.take_pending())
    consumer.close(autocommit=args.commit == "auto")  # LeaveGroup


def main():
    args = parse_args()
    start_watchdog(args.timeout, f"group member {args.name} ({args.client})")
    member = Member(args)
    member.event("started", client=args.client, pid=os.getpid(), group=args.group, topic=args.topic,
                 instance_id=args.instance_id, strategy=args.strategy)
    member.watch_stdin()
    try:
        (run_confluent if args.client == "confluent" else run_kafka_python)(member)
    except Exception as e:  # noqa: BLE001 - any client error ends the member with its traceback
        import traceback
        traceback.print_exc(file=sys.stderr)
        sys.stderr.write(f"FAILED: group member {args.name} ({args.client}): {type(e).__name__}: {e}\n")
        sys.stderr.flush()
        os._exit(EXIT_FAILED)
    member.closed()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # librdkafka/kafka-python background threads must not keep a finished member alive


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.stderr.write("USAGE: group_member.py --client confluent|kafka-python --bootstrap B --group G --topic T ...\n")
        sys.exit(EXIT_USAGE)
    main()
