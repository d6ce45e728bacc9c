#!/usr/bin/python3
"""kafka-python driver for the ActorStream compatibility suite (always run with /usr/bin/python3, where the
Debian python3-kafka package lives; a pyenv python3 earlier on PATH does not have it).

Commands (parameters in --spec JSON; see compat_common.py for the calling convention):
  version           no broker needed: version and which codecs this interpreter gives kafka-python
  metadata          KafkaConsumer.topics/partitions_for_topic + the client's cluster view (brokers, leaders),
                    KafkaAdminClient.list_topics/describe_cluster
  produce           {topic, records: [{key, value, partition, headers: [[k, v]], timestamp}], compression,
                    api_version: "0.10" | "0.9" | "0.8.2" | null (negotiate)}; an explicit old api_version
                    makes the client speak old protocol versions and message formats:
                      0.10  -> Produce v2, message format v1 (magic 1, timestamps, no headers)
                      0.9   -> Produce v1, message format v0 (magic 0, no timestamps)
                      0.8.2 -> Produce v0, message format v0
  consume           {topic, from: "beginning" | {"timestamp": ms}}: assign() only (no group), up to the high
                    watermarks seen at start
  offsets-for-times {topic, timestamp, partitions}
  admin-scenario    {topic}: create with configs, describe, AlterConfigs, IncrementalAlterConfigs (defined here
                    on top of kafka-python's protocol classes: 2.0.2 has no API for it), create partitions,
                    delete, gone from metadata, recreate

Compression: this client's codecs come from optional Python modules (Debian's python3-snappy, python3-lz4
and python3-zstandard, which .ci/run installs); gzip (zlib) is always present. The script refuses an
unavailable codec instead of silently sending uncompressed batches.
"""

import sys

try:
    import kafka
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
    from kafka.protocol.api import Request, Response
    from kafka.protocol.types import Array, Boolean, Int8, Int16, Int32, Schema, String
    from kafka import codec
except ImportError as e:
    sys.stderr.write(f"FAILED: kafka-python is not importable by {sys.executable} ({e}); "
                     "install it with: apt-get install -y python3-kafka (and run scripts with /usr/bin/python3)\n")
    sys.exit(1)

from compat_common import CompatError, main, text, utf8

CLIENT = f"kafka-python {kafka.__version__}"

CODECS = {"none": lambda: True, "gzip": codec.has_gzip, "snappy": codec.has_snappy, "lz4": codec.has_lz4, "zstd": codec.has_zstd}


def api_version(spec):
    v = spec.get("api_version")
    return None if v is None else tuple(int(x) for x in str(v).split("."))


def common(bootstrap, deadline, spec=None):
    cfg = {
        "bootstrap_servers": bootstrap,
        "request_timeout_ms": 30000,
        "reconnect_backoff_max_ms": 1000,
        "api_version_auto_timeout_ms": 10000,
    }
    v = api_version(spec or {})
    if v is not None:
        cfg["api_version"] = v
    return cfg


def errors_in(obj, path="response"):
    """Every non-zero error_code anywhere in a kafka-python response object (to_object() form)."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "error_code" and v:
                found.append(f"{path}: error_code={v} {obj.get('error_message') or ''}".strip())
            else:
                found.extend(errors_in(v, f"{path}.{k}"))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            found.extend(errors_in(v, f"{path}[{i}]"))
    return found


def check(response, what):
    errors = errors_in(response.to_object())
    if errors:
        raise CompatError(f"{what} failed: {errors}")
    return response


def cluster_view(client, topics):
    cluster = client.cluster
    out = {
        "brokers": [{"id": b.nodeId, "host": b.host, "port": b.port} for b in sorted(cluster.brokers(), key=lambda b: b.nodeId)],
        "controller_id": cluster.controller.nodeId if cluster.controller else None,
        "topics": {},
    }
    for t in sorted(topics):
        parts = cluster.partitions_for_topic(t) or set()
        out["topics"][t] = {"partitions": [{"id": p, "leader": cluster.leader_for_partition(TopicPartition(t, p))} for p in sorted(parts)]}
    return out


def cmd_metadata(bootstrap, spec, deadline):
    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, **common(bootstrap, deadline, spec))
    names = consumer.topics()  # a Metadata request for all topics
    for t in spec.get("topics", []):
        if t not in names:
            raise CompatError(f"topic {t} not in KafkaConsumer.topics(): {sorted(names)}")
    view = cluster_view(consumer._client, names)  # noqa: SLF001 - the brokers/leaders kafka-python resolved
    view["consumer_topics"] = sorted(names)
    view["partitions_for_topic"] = {t: sorted(consumer.partitions_for_topic(t) or []) for t in spec.get("topics", [])}
    consumer.close()

    admin = KafkaAdminClient(**common(bootstrap, deadline, spec))
    view["admin_list_topics"] = sorted(admin.list_topics())
    cluster = admin.describe_cluster()
    view["admin_cluster"] = {"brokers": sorted(([b["node_id"], b["host"], b["port"]] for b in cluster["brokers"])),
                             "controller_id": cluster.get("controller_id")}
    admin.close()
    return view


def cmd_produce(bootstrap, spec, deadline):
    compression = spec.get("compression", "none")
    if compression not in CODECS or not CODECS[compression]():
        raise CompatError(f"codec {compression} is not available to kafka-python under {sys.executable}")
    producer = KafkaProducer(acks="all", linger_ms=int(spec.get("linger_ms", 20)),
                             compression_type=None if compression == "none" else compression,
                             retries=int(spec.get("retries", 5)), max_in_flight_requests_per_connection=1,
                             max_block_ms=int(max(1.0, deadline.remaining() - 2) * 1000),
                             **common(bootstrap, deadline, spec))
    topic = spec["topic"]
    futures = []
    for r in spec["records"]:
        kwargs = {"value": utf8(r.get("value")), "key": utf8(r.get("key"))}
        if r.get("partition") is not None:
            kwargs["partition"] = int(r["partition"])
        if r.get("headers"):
            kwargs["headers"] = [(k, utf8(v)) for k, v in r["headers"]]
        if r.get("timestamp") is not None:
            kwargs["timestamp_ms"] = int(r["timestamp"])
        futures.append(producer.send(topic, **kwargs))
    producer.flush(timeout=deadline.remaining())
    acks = []
    for i, f in enumerate(futures):
        md = f.get(timeout=max(0.1, deadline.remaining()))
        acks.append({"index": i, "partition": md.partition, "offset": md.offset, "timestamp": md.timestamp})
    producer.close(timeout=5)
    return {"acks": acks, "api_version": list(producer.config["api_version"])}


def assigned_consumer(bootstrap, deadline, topic, wanted):
    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, consumer_timeout_ms=1000, **common(bootstrap, deadline))
    parts = deadline.wait_for(f"partitions of {topic}", lambda: consumer.partitions_for_topic(topic))
    tps = [TopicPartition(topic, p) for p in sorted(parts) if wanted is None or p in wanted]
    consumer.assign(tps)
    return consumer, tps


def cmd_offsets_for_times(bootstrap, spec, deadline):
    consumer, tps = assigned_consumer(bootstrap, deadline, spec["topic"], spec.get("partitions"))
    found = consumer.offsets_for_times({tp: int(spec["timestamp"]) for tp in tps})
    consumer.close()
    return {"offsets": {str(tp.partition): (ot.offset if ot else -1) for tp, ot in found.items()}}


def cmd_consume(bootstrap, spec, deadline):
    consumer, tps = assigned_consumer(bootstrap, deadline, spec["topic"], spec.get("partitions"))
    high = consumer.end_offsets(tps)
    start = spec.get("from", "beginning")
    if start == "beginning":
        consumer.seek_to_beginning(*tps)
    else:
        found = consumer.offsets_for_times({tp: int(start["timestamp"]) for tp in tps})
        for tp in tps:
            consumer.seek(tp, found[tp].offset if found.get(tp) else high[tp])
    starts = {str(tp.partition): consumer.position(tp) for tp in tps}
    pending = {tp for tp in tps if consumer.position(tp) < high[tp]}
    records = []
    while pending:
        if deadline.remaining() <= 0:
            raise CompatError(f"consume did not reach the high watermarks {high}")
        for tp, msgs in consumer.poll(timeout_ms=500).items():
            for m in msgs:
                records.append({"partition": m.partition, "offset": m.offset, "key": text(m.key), "value": text(m.value),
                                "headers": [[k, text(v)] for k, v in (m.headers or [])], "timestamp": m.timestamp,
                                "timestamp_type": m.timestamp_type})
            if consumer.position(tp) >= high[tp]:
                pending.discard(tp)
    consumer.close()
    return {"records": records, "high_watermarks": {str(tp.partition): v for tp, v in high.items()}, "start_offsets": starts}


class IncrementalAlterConfigsResponse_v0(Response):
    API_KEY = 44
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("responses", Array(
            ("error_code", Int16),
            ("error_message", String("utf-8")),
            ("resource_type", Int8),
            ("resource_name", String("utf-8")))))


class IncrementalAlterConfigsRequest_v0(Request):
    API_KEY = 44
    API_VERSION = 0
    RESPONSE_TYPE = IncrementalAlterConfigsResponse_v0
    SCHEMA = Schema(
        ("resources", Array(
            ("resource_type", Int8),
            ("resource_name", String("utf-8")),
            ("configs", Array(
                ("name", String("utf-8")),
                ("config_operation", Int8),  # 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT
                ("value", String("utf-8")))))),
        ("validate_only", Boolean))


def incremental_alter(admin, topic, operations):
    versions = admin._client.get_api_versions() or {}  # noqa: SLF001
    if 44 not in versions or versions[44][0] > 0:
        raise CompatError(f"broker does not offer IncrementalAlterConfigs v0 (ApiVersions: {versions.get(44)})")
    request = IncrementalAlterConfigsRequest_v0(
        resources=[(2, topic, [(name, op, value) for name, op, value in operations])], validate_only=False)
    future = admin._send_request_to_node(admin._client.least_loaded_node(), request)  # noqa: SLF001
    admin._wait_for_futures([future])  # noqa: SLF001
    return check(future.value, "IncrementalAlterConfigs")


def describe(admin, topic, names):
    response = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    values = {}
    for r in response:
        check(r, "DescribeConfigs")
        for resource in r.resources:
            for entry in resource[4]:  # (name, value, read_only, is_default|config_source, is_sensitive, ...)
                values[entry[0]] = entry[1]
    return {n: values.get(n) for n in names}


def cmd_admin_scenario(bootstrap, spec, deadline):
    admin = KafkaAdminClient(**common(bootstrap, deadline))
    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, **common(bootstrap, deadline))
    topic = spec["topic"]
    names = ["retention.ms", "max.message.bytes", "cleanup.policy"]
    steps = {}

    def partitions():
        consumer._client.cluster.request_update()  # noqa: SLF001 - force fresh metadata
        consumer._client.poll(timeout_ms=200)  # noqa: SLF001
        return consumer.topics() and sorted(consumer.partitions_for_topic(topic) or [])

    check(admin.create_topics([NewTopic(topic, 2, 1, topic_configs={"retention.ms": "3600000", "max.message.bytes": "2000000"})],
                              timeout_ms=10000), "CreateTopics")
    steps["created_partitions"] = deadline.wait_for("created topic in metadata", lambda: (p := partitions()) and len(p) == 2 and p)
    steps["described"] = describe(admin, topic, names)

    # AlterConfigs replaces the whole set: max.message.bytes returns to its default.
    check(admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={"retention.ms": "7200000"})]), "AlterConfigs")
    steps["altered"] = describe(admin, topic, names)

    # IncrementalAlterConfigs changes only what it names.
    incremental_alter(admin, topic, [("max.message.bytes", 0, "3000000")])
    steps["incremental_set"] = describe(admin, topic, names)
    incremental_alter(admin, topic, [("retention.ms", 1, None)])
    steps["incremental_delete"] = describe(admin, topic, names)

    check(admin.create_partitions({topic: NewPartitions(4)}, timeout_ms=10000), "CreatePartitions")
    steps["partitions_created"] = deadline.wait_for("4 partitions in metadata", lambda: (p := partitions()) and len(p) == 4 and p)

    check(admin.delete_topics([topic], timeout_ms=10000), "DeleteTopics")
    deadline.wait_for("deleted topic to leave metadata", lambda: topic not in admin.list_topics())
    steps["deleted_absent_from_metadata"] = True

    check(admin.create_topics([NewTopic(topic, 1, 1)], timeout_ms=10000), "CreateTopics (again)")
    steps["recreated_partitions"] = deadline.wait_for("recreated topic in metadata", lambda: (p := partitions()) and len(p) == 1 and p)
    steps["recreated_configs"] = describe(admin, topic, names)
    admin.close()
    consumer.close()
    return {"steps": steps}


def cmd_version(bootstrap, spec, deadline):
    return {"version": kafka.__version__, "python": sys.executable,
            "codecs": {name: bool(available()) for name, available in CODECS.items()}}


if __name__ == "__main__":
    main({
        "version": cmd_version,
        "metadata": cmd_metadata,
        "produce": cmd_produce,
        "consume": cmd_consume,
        "offsets-for-times": cmd_offsets_for_times,
        "admin-scenario": cmd_admin_scenario,
    }, CLIENT)
