#!/usr/bin/python3
"""Consumer-group administration through confluent-kafka-python or kafka-python, for the ActorStream
compatibility suite (calling convention: see compat_common.py; spec "client" picks the library).

Commands:
  describe  {client, group, topic, partitions}: what the admin APIs say about one group, as
            {"listed": [{"group", "protocol_type"}],            every group ListGroups returns
             "group": {"group", "error", "state", "protocol_type", "protocol",
                       "members": [{"member_id", "client_id", "client_host", "assignment": [partitions of topic],
                                    "subscription": [topics]}]},   DescribeGroups of the group
             "offsets": {"p": committed offset}}                OffsetFetch (partitions without a commit left out)
              confluent-kafka 1.7: AdminClient.list_groups() (ListGroups + DescribeGroups; 1.7 has no
                list_consumer_groups/describe_consumer_groups, they came with 2.0) and Consumer.committed();
              kafka-python: KafkaAdminClient.list_consumer_groups, describe_consumer_groups,
                list_consumer_group_offsets.
  delete    {client: "kafka-python", groups}: KafkaAdminClient.delete_consumer_groups (DeleteGroups);
            {"results": {group: null | error name}} (confluent-kafka 1.7 has no DeleteGroups API).
"""

import struct

from compat_common import CompatError, main

CONFLUENT = "confluent"
KAFKA_PYTHON = "kafka-python"


class Reader:
    """Kafka's consumer protocol (embedded in JoinGroup/SyncGroup/DescribeGroups bytes), big-endian."""

    def __init__(self, data):
        self.data, self.at = bytes(data or b""), 0

    def int16(self):
        (v,) = struct.unpack_from(">h", self.data, self.at)
        self.at += 2
        return v

    def int32(self):
        (v,) = struct.unpack_from(">i", self.data, self.at)
        self.at += 4
        return v

    def string(self):
        n = self.int16()
        if n < 0:
            return None
        v = self.data[self.at:self.at + n].decode("utf-8", "replace")
        self.at += n
        return v


def decode_assignment(data, topic):
    """ConsumerProtocolAssignment: version, [topic, [partition]], user data -> the partitions of topic."""
    if not data:
        return []
    r = Reader(data)
    r.int16()
    out = []
    for _ in range(max(0, r.int32())):
        t = r.string()
        partitions = [r.int32() for _ in range(max(0, r.int32()))]
        if t == topic:
            out.extend(partitions)
    return sorted(out)


def decode_subscription(data):
    """ConsumerProtocolSubscription: version, [topic], ... -> the topics."""
    if not data:
        return []
    r = Reader(data)
    r.int16()
    return sorted(r.string() for _ in range(max(0, r.int32())))


def confluent_describe(bootstrap, spec, deadline):
    import confluent_kafka
    from confluent_kafka import Consumer, KafkaException, TopicPartition
    from confluent_kafka.admin import AdminClient

    group, topic, partitions = spec["group"], spec["topic"], int(spec["partitions"])
    admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})
    try:
        # list_groups(): ListGroups to every broker, then DescribeGroups of each group found.
        groups = admin.list_groups(timeout=max(1.0, min(20.0, deadline.remaining())))
    except KafkaException as e:
        raise CompatError(f"AdminClient.list_groups: {e.args[0]}") from e
    listed = [{"group": g.id, "protocol_type": g.protocol_type, "state": g.state} for g in groups]
    described = None
    for g in groups:
        if g.id == group:
            described = {
                "group": g.id, "error": None if g.error is None or not g.error.code() else g.error.name(),
                "state": g.state, "protocol_type": g.protocol_type, "protocol": g.protocol,
                "members": sorted(({"member_id": m.id, "client_id": m.client_id, "client_host": m.client_host,
                                    "assignment": decode_assignment(m.assignment, topic),
                                    "subscription": decode_subscription(m.metadata)} for m in g.members),
                                  key=lambda m: m["client_id"]),
            }
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False, "socket.timeout.ms": 10000})
    try:
        committed = consumer.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=max(1.0, deadline.remaining()))
    except KafkaException as e:
        raise CompatError(f"Consumer.committed (OffsetFetch): {e.args[0]}") from e
    finally:
        consumer.close()
    errors = [f"{tp.partition}: {tp.error}" for tp in committed if tp.error]
    if errors:
        raise CompatError(f"OffsetFetch errors: {errors}")
    offsets = {str(tp.partition): tp.offset for tp in committed if tp.offset >= 0}
    return {"listed": listed, "group": described, "offsets": offsets,
            "library": f"confluent-kafka {confluent_kafka.version()[0]}"}


def kafka_python_admin(bootstrap):
    from kafka import KafkaAdminClient
    return KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000, api_version_auto_timeout_ms=10000)


def kafka_python_describe(bootstrap, spec, deadline):
    from kafka.errors import KafkaError

    group, topic = spec["group"], spec["topic"]
    admin = kafka_python_admin(bootstrap)
    listed = [{"group": g, "protocol_type": pt} for g, pt in admin.list_consumer_groups()]
    try:
        info = admin.describe_consumer_groups([group])[0]
        described = {
            "group": info.group, "error": None, "state": info.state, "protocol_type": info.protocol_type,
            "protocol": info.protocol,
            "members": sorted(({"member_id": m.member_id, "client_id": m.client_id, "client_host": m.client_host,
                                "assignment": sorted(p for t, ps in (m.member_assignment.assignment if m.member_assignment else [])
                                                     if t == topic for p in ps),
                                "subscription": sorted(m.member_metadata.subscription if m.member_metadata else [])}
                               for m in info.members), key=lambda m: m["client_id"]),
        }
    except KafkaError as e:  # describe_consumer_groups raises the group's error code
        described = {"group": group, "error": type(e).__name__, "state": None, "protocol_type": None, "protocol": None, "members": []}
    offsets = {str(tp.partition): om.offset for tp, om in admin.list_consumer_group_offsets(group).items()
               if tp.topic == topic and om.offset >= 0}
    admin.close()
    return {"listed": listed, "group": described, "offsets": offsets}


def cmd_describe(bootstrap, spec, deadline):
    client = spec.get("client", KAFKA_PYTHON)
    if client == CONFLUENT:
        return confluent_describe(bootstrap, spec, deadline)
    if client == KAFKA_PYTHON:
        return kafka_python_describe(bootstrap, spec, deadline)
    raise CompatError(f"unknown client {client}")


def cmd_delete(bootstrap, spec, deadline):
    if spec.get("client", KAFKA_PYTHON) != KAFKA_PYTHON:
        raise CompatError("delete: only kafka-python (confluent-kafka 1.7 has no DeleteGroups API)")
    from kafka.errors import NoError

    admin = kafka_python_admin(bootstrap)
    results = admin.delete_consumer_groups(list(spec["groups"]))
    admin.close()
    return {"results": {g: (None if err is NoError else err.__name__) for g, err in results}}


if __name__ == "__main__":
    main({"describe": cmd_describe, "delete": cmd_delete}, "group admin (confluent-kafka-python / kafka-python)")
