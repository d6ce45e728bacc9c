#!/usr/bin/env node
// KafkaJS driver for the ActorStream compatibility suite.
//
//   node kafkajs_client.js <command> --bootstrap HOST:PORT [--spec JSON] [--timeout SECONDS]
//
// Prints one JSON document (the result) as its last stdout line and exits 0, or prints a clear message on
// stderr and exits non-zero; a hard timeout ends the process (exit 3). KafkaJS logs go to stderr.
//
// Commands:
//   version         no broker needed: versions
//   metadata        admin.describeCluster + admin.listTopics + admin.fetchTopicMetadata
//   produce         {topic, records: [{key, value, partition, headers: [[k, v]], timestamp}], compression,
//                   idempotent, batch_size, one_per_send}; per-record offsets derived from each send's baseOffset
//                   (one_per_send: one record per send(), so the result also names the partition KafkaJS chose)
//   admin-scenario  {topic}: createTopics with configs, describeConfigs, alterConfigs (AlterConfigs API),
//                   createPartitions, deleteTopics, gone from metadata, recreate (fresh log)
//
// Compression: KafkaJS implements only gzip itself; snappy, lz4 and zstd need codec packages
// (kafkajs-snappy, kafkajs-lz4, @kafkajs/zstd) that this suite does not install, so KafkaJS is exercised
// with "none" and "gzip" only. KafkaJS has no IncrementalAlterConfigs API (kafka-python's script covers it).
'use strict';

const { kafkajs, VERSION, CompatError, newKafka, runCommand } = require('./kafkajs_common');

const { CompressionTypes, ConfigResourceTypes } = kafkajs;
const CLIENT = `kafkajs ${VERSION} (node ${process.version})`;

const kafka = (bootstrap) => newKafka('actorstream-compat', bootstrap);

const buf = (s) => (s === null || s === undefined ? null : Buffer.from(s, 'utf8'));

function describeTopics(metadata) {
  const topics = {};
  for (const t of metadata.topics) {
    topics[t.name] = {
      partitions: [...t.partitions].sort((a, b) => a.partitionId - b.partitionId).map((p) => ({
        id: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, error_code: p.partitionErrorCode,
      })),
    };
  }
  return topics;
}

async function cmdMetadata(bootstrap, spec) {
  const admin = kafka(bootstrap).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    const names = await admin.listTopics();
    for (const t of spec.topics || []) {
      if (!names.includes(t)) throw new CompatError(`topic ${t} not in listTopics(): ${JSON.stringify(names)}`);
    }
    const metadata = await admin.fetchTopicMetadata({ topics: spec.topics || [] });
    return {
      cluster_id: cluster.clusterId,
      controller_id: cluster.controller,
      brokers: cluster.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.id - b.id),
      list_topics: [...names].sort(),
      topics: describeTopics(metadata),
    };
  } finally {
    await admin.disconnect();
  }
}

function toMessage(r) {
  const m = { key: buf(r.key), value: buf(r.value) };
  if (r.partition !== null && r.partition !== undefined) m.partition = r.partition;
  if (r.timestamp !== null && r.timestamp !== undefined) m.timestamp = String(r.timestamp);
  if (r.headers && r.headers.length) {
    m.headers = {};
    for (const [k, v] of r.headers) {
      const value = buf(v);
      if (k in m.headers) m.headers[k] = [].concat(m.headers[k], value);
      else m.headers[k] = value;
    }
  }
  return m;
}

async function cmdProduce(bootstrap, spec) {
  const compression = {
    none: CompressionTypes.None, gzip: CompressionTypes.GZIP,
  }[spec.compression || 'none'];
  if (compression === undefined) {
    throw new CompatError(`codec ${spec.compression} is not available to kafkajs here (only none and gzip are built in)`);
  }
  const producer = kafka(bootstrap).producer(spec.idempotent
    ? { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }
    : { allowAutoTopicCreation: false });
  await producer.connect();
  const acks = [];
  const sends = [];
  try {
    const records = spec.records;
    const batchSize = spec.one_per_send ? 1 : (spec.batch_size || records.length || 1);
    for (let start = 0; start < records.length; start += batchSize) {
      const batch = records.slice(start, start + batchSize);
      const result = await producer.send({
        topic: spec.topic,
        messages: batch.map(toMessage),
        acks: -1,
        compression,
      });
      sends.push(result.map((r) => ({ partition: r.partition, base_offset: Number(r.baseOffset), error_code: r.errorCode })));
      for (const r of result) {
        if (r.errorCode !== 0) throw new CompatError(`send returned error code ${r.errorCode} for partition ${r.partition}`);
      }
      if (spec.one_per_send) {
        if (result.length !== 1) throw new CompatError(`one record, ${result.length} partition results: ${JSON.stringify(result)}`);
        acks.push({ index: start, partition: result[0].partition, offset: Number(result[0].baseOffset) });
        continue;
      }
      // Records of one send keep their order within each partition: offset = baseOffset + rank in that partition.
      const base = new Map(result.map((r) => [r.partition, Number(r.baseOffset)]));
      const rank = new Map();
      batch.forEach((r, j) => {
        if (r.partition === null || r.partition === undefined) return; // partition chosen by the partitioner: unknown here
        const n = rank.get(r.partition) || 0;
        rank.set(r.partition, n + 1);
        acks.push({ index: start + j, partition: r.partition, offset: base.get(r.partition) + n });
      });
    }
  } finally {
    await producer.disconnect();
  }
  return { acks, sends };
}

async function describeConfigs(admin, topic, names) {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: names }],
  });
  const values = {};
  for (const name of names) values[name] = null;
  for (const resource of described.resources) {
    if (resource.errorCode !== 0) throw new CompatError(`DescribeConfigs error ${resource.errorCode}: ${resource.errorMessage}`);
    for (const e of resource.configEntries) if (names.includes(e.configName)) values[e.configName] = e.configValue;
  }
  return values;
}

async function cmdAdminScenario(bootstrap, spec, deadline) {
  const client = kafka(bootstrap);
  const admin = client.admin();
  await admin.connect();
  const topic = spec.topic;
  const names = ['retention.ms', 'max.message.bytes', 'cleanup.policy'];
  const steps = {};
  const partitionCount = async () => {
    const all = await admin.fetchTopicMetadata({ topics: [] });
    const t = all.topics.find((x) => x.name === topic);
    return t ? t.partitions.length : 0;
  };
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [{
        topic, numPartitions: 2, replicationFactor: 1,
        configEntries: [{ name: 'retention.ms', value: '3600000' }, { name: 'max.message.bytes', value: '2000000' }],
      }],
    });
    if (!created) throw new CompatError('createTopics returned false (topic already existed?)');
    steps.created = describeTopics(await admin.fetchTopicMetadata({ topics: [topic] }))[topic];
    steps.described = await describeConfigs(admin, topic, names);

    // AlterConfigs replaces the whole set: max.message.bytes returns to its default.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '7200000' }] }],
    });
    steps.altered = await describeConfigs(admin, topic, names);

    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
    await deadline.waitFor('4 partitions in metadata', async () => (await partitionCount()) === 4);
    steps.partitions_created = describeTopics(await admin.fetchTopicMetadata({ topics: [topic] }))[topic];

    const producer = client.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((i) => ({ partition: 0, value: `before-delete-${i}` })) });
    await producer.disconnect();

    await admin.deleteTopics({ topics: [topic], timeout: 10000 });
    await deadline.waitFor('deleted topic to leave metadata', async () => !(await admin.listTopics()).includes(topic));
    steps.deleted_absent_from_metadata = true;

    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    await deadline.waitFor('recreated topic in metadata', async () => (await partitionCount()) === 1);
    steps.recreated = describeTopics(await admin.fetchTopicMetadata({ topics: [topic] }))[topic];
    steps.recreated_offsets = (await admin.fetchTopicOffsets(topic)).map((o) => ({
      partition: o.partition, low: Number(o.low), high: Number(o.high),
    }));
    steps.recreated_configs = await describeConfigs(admin, topic, names);
  } finally {
    await admin.disconnect();
  }
  return { steps };
}

async function cmdVersion() {
  return { version: VERSION, node: process.version, codecs: ['none', 'gzip'] };
}

const COMMANDS = { version: cmdVersion, metadata: cmdMetadata, produce: cmdProduce, 'admin-scenario': cmdAdminScenario };

runCommand(CLIENT, COMMANDS, ['version']);
