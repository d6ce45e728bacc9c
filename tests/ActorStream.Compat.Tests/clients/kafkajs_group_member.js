#!/usr/bin/env node
// A long-running KafkaJS consumer-group member for the ActorStream compatibility suite: the KafkaJS twin of
// group_member.py, with the same arguments (those KafkaJS has) and the same events.
//
//   node kafkajs_group_member.js --bootstrap HOST:PORT --group G --topic T [--name NAME]
//       [--strategy roundrobin] [--auto-offset-reset earliest|latest] [--commit auto|after-processing|none]
//       [--session-timeout-ms N] [--heartbeat-interval-ms N] [--max-records N] [--timeout SECONDS]
//
// Runs until stdin closes (then consumer.disconnect(), which leaves the group, and exit 0), until
// --max-records records were processed (same), until killed, or until the hard timeout (exit 3). One JSON
// event per stdout line; KafkaJS logs go to stderr:
//   {"event": "started"}, {"event": "assigned", "partitions", "assignment", "generation", "member_id"},
//   {"event": "revoked", "partitions", "assignment": []}  (KafkaJS rebalances eagerly: on a rebalance it drops
//   its whole assignment), {"event": "record", "partition", "offset", "key", "value", "generation"},
//   {"event": "committed", "offsets"}, {"event": "crash", "error"}, {"event": "closed", "reason", "records"}.
//
// KafkaJS 2.2.4 has only the round-robin assignor built in, no static membership and no cooperative protocol.
// It does not publish the generation id: this script reads it from the consumer group object after each
// join (ConsumerGroup.joinAndSync is wrapped; generation is null if that internal ever moves).
'use strict';

const { EXIT_FAILED, kafkajs, VERSION, usage, newKafka, startWatchdog, describeError } = require('./kafkajs_common');

const { PartitionAssigners } = kafkajs;
const CLIENT = `kafkajs ${VERSION} (node ${process.version})`;

function parseArgs(argv) {
  const args = {
    bootstrap: null, group: null, topic: null, name: `kafkajs-${process.pid}`, strategy: 'roundrobin',
    autoOffsetReset: 'earliest', commit: 'auto', sessionTimeoutMs: 10000, heartbeatIntervalMs: 1000, maxRecords: 0, timeout: 300,
  };
  const names = {
    '--bootstrap': 'bootstrap', '--group': 'group', '--topic': 'topic', '--name': 'name', '--strategy': 'strategy',
    '--auto-offset-reset': 'autoOffsetReset', '--commit': 'commit', '--session-timeout-ms': 'sessionTimeoutMs',
    '--heartbeat-interval-ms': 'heartbeatIntervalMs', '--max-records': 'maxRecords', '--timeout': 'timeout',
  };
  for (let i = 0; i < argv.length; i++) {
    const key = names[argv[i]];
    if (!key) usage(`unknown argument ${argv[i]}`);
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    const value = argv[++i];
    args[key] = typeof args[key] === 'number' ? Number(value) : value;
  }
  for (const required of ['bootstrap', 'group', 'topic']) if (!args[required]) usage(`--${required} is required`);
  if (args.strategy !== 'roundrobin') usage(`--strategy ${args.strategy}: KafkaJS 2.2.4 has only the roundrobin assignor`);
  if (!['earliest', 'latest'].includes(args.autoOffsetReset)) usage('--auto-offset-reset must be earliest or latest');
  if (!['auto', 'after-processing', 'none'].includes(args.commit)) usage('--commit must be auto, after-processing or none');
  return args;
}

const args = parseArgs(process.argv.slice(2));

function emit(kind, fields = {}) {
  process.stdout.write(`${JSON.stringify({ ...fields, event: kind, member: args.name, t: Date.now() })}\n`);
}

const state = { assignment: [], generation: null, memberId: null, records: 0 };

// The generation after each join: KafkaJS keeps it on its ConsumerGroup, which the public API does not expose.
let ConsumerGroup = null;
try {
  ConsumerGroup = require('kafkajs/src/consumer/consumerGroup');
} catch (e) {
  process.stderr.write(`note: kafkajs/src/consumer/consumerGroup not found (${e.message}); generation will be null\n`);
}
if (ConsumerGroup && typeof ConsumerGroup.prototype.joinAndSync === 'function') {
  const joinAndSync = ConsumerGroup.prototype.joinAndSync;
  ConsumerGroup.prototype.joinAndSync = async function wrappedJoinAndSync(...rest) {
    const result = await joinAndSync.apply(this, rest);
    state.generation = typeof this.generationId === 'number' ? this.generationId : null;
    state.memberId = this.memberId || null;
    const partitions = [];
    for (const { topic, partitions: ps } of this.assigned()) if (topic === args.topic) partitions.push(...ps);
    partitions.sort((a, b) => a - b);
    state.assignment = partitions;
    emit('assigned', { partitions, assignment: partitions, generation: state.generation, member_id: state.memberId, incremental: false });
    return result;
  };
}

async function main() {
  startWatchdog(args.timeout, `group member ${args.name} (${CLIENT})`);

  emit('started', { client: 'kafkajs', pid: process.pid, group: args.group, topic: args.topic, instance_id: null, strategy: args.strategy });
  const kafka = newKafka(args.name, args.bootstrap, 10);
  const consumer = kafka.consumer({
    groupId: args.group,
    sessionTimeout: args.sessionTimeoutMs,
    heartbeatInterval: args.heartbeatIntervalMs,
    rebalanceTimeout: 30000,
    maxWaitTimeInMs: 1000, // a quicker clean stop (disconnect waits for the fetch in flight)
    partitionAssigners: [PartitionAssigners.roundRobin],
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.REBALANCING, () => {
    // KafkaJS is eager: it stops fetching and rejoins, giving up its whole assignment.
    const partitions = state.assignment;
    state.assignment = [];
    if (partitions.length) emit('revoked', { partitions, assignment: [], generation: state.generation, incremental: false });
  });
  consumer.on(consumer.events.CRASH, (e) => {
    const error = e && e.payload && e.payload.error;
    process.stderr.write(`consumer crash: ${error && error.stack ? error.stack : JSON.stringify(e && e.payload)}\n`);
    emit('crash', { error: error ? `${error.name}: ${error.message}` : 'unknown', restart: Boolean(e && e.payload && e.payload.restart) });
  });

  let stopping = null;
  const stop = (reason) => {
    if (!stopping) {
      stopping = (async () => {
        try {
          await consumer.disconnect(); // LeaveGroup
        } finally {
          emit('closed', { reason, records: state.records });
          process.stdout.write('', () => process.exit(0));
        }
      })();
    }
    return stopping;
  };
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin closed'));
  process.stdin.resume();

  await consumer.connect();
  await consumer.subscribe({ topics: [args.topic], fromBeginning: args.autoOffsetReset === 'earliest' });
  await consumer.run({
    autoCommit: args.commit === 'auto',
    autoCommitInterval: 1000,
    eachMessage: async ({ topic, partition, message }) => {
      if (stopping || (args.maxRecords && state.records >= args.maxRecords)) return;
      const text = (b) => (b === null || b === undefined ? null : b.toString('utf8'));
      const offset = Number(message.offset);
      emit('record', { partition, offset, key: text(message.key), value: text(message.value), generation: state.generation });
      state.records += 1;
      if (args.commit === 'after-processing') {
        const offsets = { [String(partition)]: offset + 1 };
        try {
          await consumer.commitOffsets([{ topic, partition, offset: String(offset + 1) }]);
          emit('committed', { offsets, generation: state.generation });
        } catch (e) {
          emit('commit_failed', { offsets, error: `${e.name}: ${e.message}`, generation: state.generation });
        }
      }
      if (args.maxRecords && state.records >= args.maxRecords) setImmediate(() => stop('max records'));
    },
  });
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.stderr.write(`FAILED: group member ${args.name} (${CLIENT}): ${describeError(e)}\n`);
  process.exit(EXIT_FAILED);
});
