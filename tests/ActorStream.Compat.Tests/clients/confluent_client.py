#!/usr/bin/python3
"""confluent-kafka-python (librdkafka) driver for the ActorStream compatibility suite.

Commands (parameters in --spec JSON; see compat_common.py for the calling convention):
  version           no broker needed: versions, and proof that librdkafka has every codec built in
  metadata          AdminClient.list_topics: brokers, controller, topics with partitions/leaders/replicas/isrs
  create-topic      CreateTopics {topic, partitions, configs}; waits until metadata shows every partition led
  produce           {topic, records: [{key, value, partition, headers: [[k, v]], timestamp}], compression,
                    acks, idempotent, linger_ms, partitioner, config}; one delivery report per record
  consume           {topic, from: "beginning" | {"timestamp": ms} | {"offsets": {p: offset}}, partitions};
                    reads every assigned partition up to the high watermark seen at start
  offsets-for-times {topic, timestamp, partitions}: offsets_for_times per partition
  admin-scenario    {topic}: create with configs, describe, alter (AlterConfigs), create partitions, delete,
                    gone from metadata, recreate (fresh log)
  produce-stream    {topic, partitions}: acks=all, produces until stdin reaches EOF, one "ack" line per
                    delivered record, then the result
"""

import sys
import threading

try:
    import confluent_kafka
    from confluent_kafka import Consumer, KafkaException, OFFSET_BEGINNING, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic
except ImportError as e:
    sys.stderr.write(f"FAILED: confluent-kafka-python is not importable by {sys.executable} ({e}); "
                     "install it with: apt-get install -y python3-confluent-kafka\n")
    sys.exit(1)

from compat_common import CompatError, emit, log, main, text, utf8

CLIENT = f"confluent-kafka-python {confluent_kafka.version()[0]} (librdkafka {confluent_kafka.libversion()[0]})"

COMMON = {
    "socket.timeout.ms": 10000,
    "reconnect.backoff.max.ms": 1000,
    "topic.metadata.refresh.interval.ms": 5000,
}


def on_error(err):
    # Connection errors are expected while a node restarts; librdkafka retries by itself.
    log(f"librdkafka error: {err}")


def admin(bootstrap):
    return AdminClient({"bootstrap.servers": bootstrap, "error_cb": on_error, **COMMON})


def results(futures, deadline, what):
    out = {}
    for key, future in futures.items():
        try:
            out[key] = future.result(timeout=deadline.remaining())
        except KafkaException as e:
            raise CompatError(f"{what} {key}: {e.args[0]}") from e
    return out


def metadata_of(client, deadline, topic=None):
    timeout = max(1.0, min(10.0, deadline.remaining()))
    return client.list_topics(topic=topic, timeout=timeout) if topic else client.list_topics(timeout=timeout)


def describe_metadata(md):
    return {
        "cluster_id": md.cluster_id,
        "controller_id": md.controller_id,
        "brokers": [{"id": b.id, "host": b.host, "port": b.port} for b in sorted(md.brokers.values(), key=lambda b: b.id)],
        "topics": {
            name: {
                "error": str(t.error) if t.error else None,
                "partitions": [
                    {"id": p.id, "leader": p.leader, "replicas": list(p.replicas), "isr": list(p.isrs),
                     "error": str(p.error) if p.error else None}
                    for p in sorted(t.partitions.values(), key=lambda p: p.id)
                ],
            }
            for name, t in sorted(md.topics.items())
        },
    }


def topic_ready(client, deadline, topic, partitions):
    def check():
        md = metadata_of(client, deadline)
        t = md.topics.get(topic)
        if t is None or t.error is not None or len(t.partitions) != partitions:
            return None
        return md if all(p.leader >= 0 and p.error is None for p in t.partitions.values()) else None

    return deadline.wait_for(f"topic {topic} with {partitions} led partition(s) in metadata", check)


def topic_gone(client, deadline, topic):
    return deadline.wait_for(f"topic {topic} to leave metadata", lambda: topic not in metadata_of(client, deadline).topics)


def cmd_metadata(bootstrap, spec, deadline):
    client = admin(bootstrap)
    md = metadata_of(client, deadline)
    for topic in spec.get("topics", []):
        if topic not in md.topics:
            raise CompatError(f"topic {topic} not in metadata (topics: {sorted(md.topics)})")
    return describe_metadata(md)


def cmd_create_topic(bootstrap, spec, deadline):
    client = admin(bootstrap)
    topic, partitions = spec["topic"], int(spec.get("partitions", 1))
    new = NewTopic(topic, num_partitions=partitions, replication_factor=1, config=spec.get("configs", {}))
    results(client.create_topics([new], operation_timeout=10), deadline, "CreateTopics")
    return describe_metadata(topic_ready(client, deadline, topic, partitions))


def cmd_produce(bootstrap, spec, deadline):
    config = {
        "bootstrap.servers": bootstrap,
        "error_cb": on_error,
        "acks": str(spec.get("acks", "all")),
        "compression.type": spec.get("compression", "none"),
        "linger.ms": int(spec.get("linger_ms", 20)),
        "enable.idempotence": bool(spec.get("idempotent", False)),
        "partitioner": spec.get("partitioner", "murmur2_random"),
        "message.timeout.ms": int(max(5.0, deadline.remaining() - 5) * 1000),
        **COMMON,
        **spec.get("config", {}),
    }
    producer = Producer(config)
    topic = spec["topic"]
    records = spec["records"]
    reports = [[] for _ in records]  # every delivery report per record: exactly one is expected

    def delivered(index):
        def callback(err, msg):
            reports[index].append({"error": str(err) if err else None, "partition": msg.partition(), "offset": msg.offset(),
                                   "timestamp": msg.timestamp()[1]})
        return callback

    for i, r in enumerate(records):
        kwargs = {"value": utf8(r.get("value")), "key": utf8(r.get("key")), "on_delivery": delivered(i)}
        if r.get("partition") is not None:
            kwargs["partition"] = int(r["partition"])
        if r.get("headers"):
            kwargs["headers"] = [(k, utf8(v)) for k, v in r["headers"]]
        if r.get("timestamp") is not None:
            kwargs["timestamp"] = int(r["timestamp"])
        while True:
            try:
                producer.produce(topic, **kwargs)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(deadline.remaining())
    if remaining:
        raise CompatError(f"{remaining} record(s) still undelivered when the deadline passed")
    failures = [(i, rep) for i, rep in enumerate(reports) if len(rep) != 1 or rep[0]["error"]]
    if failures and not spec.get("allow_errors", False):
        raise CompatError(f"{len(failures)} record(s) failed or were reported other than once, first: {failures[:3]}")
    return {"acks": [dict(rep[0], index=i) for i, rep in enumerate(reports) if rep],
            "reports_per_record": [len(rep) for rep in reports]}


def consumer(bootstrap, extra=None):
    # group.id is mandatory for this client; no subscribe() and no commits: assign() only, so no group is joined.
    return Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "actorstream-compat-assign-only",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "enable.partition.eof": False,
        "error_cb": on_error,
        **COMMON,
        **(extra or {}),
    })


def partitions_of(client, deadline, topic, wanted):
    md = metadata_of(client, deadline, topic)
    t = md.topics.get(topic)
    if t is None or t.error is not None:
        raise CompatError(f"topic {topic} not in metadata: {t.error if t else 'absent'}")
    all_partitions = sorted(t.partitions)
    return [p for p in all_partitions if wanted is None or p in wanted]


def cmd_offsets_for_times(bootstrap, spec, deadline):
    c = consumer(bootstrap)
    topic = spec["topic"]
    parts = partitions_of(c, deadline, topic, spec.get("partitions"))
    found = c.offsets_for_times([TopicPartition(topic, p, int(spec["timestamp"])) for p in parts], timeout=deadline.remaining())
    return {"offsets": {str(tp.partition): tp.offset for tp in found}}


def cmd_consume(bootstrap, spec, deadline):
    c = consumer(bootstrap, spec.get("config"))
    topic = spec["topic"]
    parts = partitions_of(c, deadline, topic, spec.get("partitions"))
    high = {}
    low = {}
    for p in parts:
        low[p], high[p] = c.get_watermark_offsets(TopicPartition(topic, p), timeout=deadline.remaining(), cached=False)
    start = spec.get("from", "beginning")
    if start == "beginning":
        starts = {p: OFFSET_BEGINNING for p in parts}
    elif "timestamp" in start:
        found = c.offsets_for_times([TopicPartition(topic, p, int(start["timestamp"])) for p in parts], timeout=deadline.remaining())
        # -1 (no record at or after the timestamp) means: nothing to read there.
        starts = {tp.partition: (tp.offset if tp.offset >= 0 else high[tp.partition]) for tp in found}
    else:
        starts = {int(p): int(o) for p, o in start["offsets"].items()}
    c.assign([TopicPartition(topic, p, starts[p]) for p in parts])
    positions = {p: (low[p] if starts[p] == OFFSET_BEGINNING else starts[p]) for p in parts}
    pending = {p for p in parts if positions[p] < high[p]}
    records = []
    while pending:
        if deadline.remaining() <= 0:
            raise CompatError(f"consumed up to {positions} but high watermarks are {high} (still pending: {sorted(pending)})")
        msg = c.poll(min(1.0, deadline.remaining()))
        if msg is None:
            continue
        if msg.error():
            raise CompatError(f"consume error: {msg.error()}")
        ts_type, ts = msg.timestamp()
        records.append({
            "partition": msg.partition(), "offset": msg.offset(), "key": text(msg.key()), "value": text(msg.value()),
            "headers": [[k, text(v)] for k, v in (msg.headers() or [])], "timestamp": ts, "timestamp_type": ts_type,
        })
        positions[msg.partition()] = msg.offset() + 1
        if positions[msg.partition()] >= high[msg.partition()]:
            pending.discard(msg.partition())
    c.close()
    return {"records": records, "low_watermarks": {str(p): v for p, v in low.items()},
            "high_watermarks": {str(p): v for p, v in high.items()},
            "start_offsets": {str(p): v for p, v in starts.items()}}


def describe(client, deadline, topic, names):
    resource = ConfigResource("topic", topic)
    entries = results(client.describe_configs([resource]), deadline, "DescribeConfigs")[resource]
    return {n: (entries[n].value if n in entries else None) for n in names}


def cmd_admin_scenario(bootstrap, spec, deadline):
    client = admin(bootstrap)
    topic = spec["topic"]
    names = ["retention.ms", "max.message.bytes", "cleanup.policy"]
    steps = {}

    new = NewTopic(topic, num_partitions=2, replication_factor=1,
                   config={"retention.ms": "3600000", "max.message.bytes": "2000000"})
    results(client.create_topics([new], operation_timeout=10), deadline, "CreateTopics")
    steps["created"] = describe_metadata(topic_ready(client, deadline, topic, 2))["topics"][topic]
    steps["described"] = describe(client, deadline, topic, names)

    # AlterConfigs (not incremental): the whole set is replaced, so max.message.bytes returns to its default.
    resource = ConfigResource("topic", topic, set_config={"retention.ms": "7200000"})
    results(client.alter_configs([resource]), deadline, "AlterConfigs")
    steps["altered"] = describe(client, deadline, topic, names)

    results(client.create_partitions([NewPartitions(topic, 4)], operation_timeout=10), deadline, "CreatePartitions")
    steps["partitions_created"] = describe_metadata(topic_ready(client, deadline, topic, 4))["topics"][topic]

    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "error_cb": on_error, **COMMON})
    for i in range(3):
        p.produce(topic, value=f"before-delete-{i}".encode(), partition=0)
    if p.flush(deadline.remaining()):
        raise CompatError("records before delete not delivered")

    results(client.delete_topics([topic], operation_timeout=10), deadline, "DeleteTopics")
    topic_gone(client, deadline, topic)
    steps["deleted_absent_from_metadata"] = True

    results(client.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)], operation_timeout=10),
            deadline, "CreateTopics (again)")
    steps["recreated"] = describe_metadata(topic_ready(client, deadline, topic, 1))["topics"][topic]
    c = consumer(bootstrap)
    steps["recreated_watermarks"] = list(c.get_watermark_offsets(TopicPartition(topic, 0), timeout=deadline.remaining(), cached=False))
    steps["recreated_configs"] = describe(client, deadline, topic, names)
    c.close()
    return {"steps": steps}


def cmd_produce_stream(bootstrap, spec, deadline):
    topic, partitions = spec["topic"], int(spec.get("partitions", 1))
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "linger.ms": 5,
        # Long enough to ride out a node restart: records in flight then are retried, not failed.
        "message.timeout.ms": int(spec.get("message_timeout_ms", 120000)),
        "error_cb": on_error,
        **COMMON,
    })
    stop = threading.Event()

    def watch_stdin():
        sys.stdin.read()  # the harness closes our stdin to say "stop producing"
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    counts = {"acked": 0, "failed": 0}
    outstanding = [0]

    def delivered(seq):
        def callback(err, msg):
            outstanding[0] -= 1
            if err:
                counts["failed"] += 1
                emit({"event": "failed", "seq": seq, "error": str(err)})
            else:
                counts["acked"] += 1
                emit({"event": "ack", "seq": seq, "partition": msg.partition(), "offset": msg.offset()})
        return callback

    seq = 0
    while not stop.is_set():
        if deadline.remaining() <= 0:
            raise CompatError("the harness never closed stdin to stop the stream")
        if outstanding[0] >= int(spec.get("max_outstanding", 50)):
            producer.poll(0.05)
            continue
        try:
            producer.produce(topic, value=f"seq-{seq}".encode(), key=str(seq).encode(), partition=seq % partitions,
                             on_delivery=delivered(seq))
        except BufferError:
            producer.poll(0.05)
            continue
        outstanding[0] += 1
        seq += 1
        producer.poll(0)
    left = producer.flush(deadline.remaining())
    return {"produced": seq, "acked": counts["acked"], "failed": counts["failed"], "undelivered_at_exit": left}


def cmd_version(bootstrap, spec, deadline):
    # librdkafka refuses builtin.features naming a feature it was built without: proof that every codec exists.
    Producer({"bootstrap.servers": "127.0.0.1:9", "builtin.features": "gzip,snappy,lz4,zstd"})
    return {"version": confluent_kafka.version()[0], "librdkafka": confluent_kafka.libversion()[0],
            "codecs": ["none", "gzip", "snappy", "lz4", "zstd"]}


if __name__ == "__main__":
    main({
        "version": cmd_version,
        "metadata": cmd_metadata,
        "create-topic": cmd_create_topic,
        "produce": cmd_produce,
        "consume": cmd_consume,
        "offsets-for-times": cmd_offsets_for_times,
        "admin-scenario": cmd_admin_scenario,
        "produce-stream": cmd_produce_stream,
    }, CLIENT)
