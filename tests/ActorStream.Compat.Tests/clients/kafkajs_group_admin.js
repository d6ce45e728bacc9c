#!/usr/bin/env node
// Consumer-group administration through the KafkaJS admin client, for the ActorStream compatibility suite.
//
//   node kafkajs_group_admin.js <command> --bootstrap HOST:PORT [--spec JSON] [--timeout SECONDS]
//
// Same calling convention and result shapes as group_admin.py: one JSON document as the last stdout line and
// exit 0, or a clear message on stderr and a non-zero exit (3: hard timeout).
//
// Commands:
//   describe  {group, topic}: admin.listGroups (ListGroups), admin.describeGroups (DescribeGroups, member
//             assignments decoded with AssignerProtocol.MemberAssignment), admin.fetchOffsets (OffsetFetch) ->
//             {"listed": [{group, protocol_type}], "group": {group, error, state, protocol_type, protocol,
//              members: [{member_id, client_id, client_host, assignment, subscription}]}, "offsets": {"p": offset}}
//   delete    {groups}: admin.deleteGroups (DeleteGroups) -> {"results": {group: null | error type}}
'use strict';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_TIMEOUT = 3;

let kafkajs;
try {
  kafkajs = require('kafkajs');
} catch (e) {
  process.stderr.write(`FAILED: kafkajs is not installed next to ${__filename} (${e.message}); run "npm ci" in ${__dirname}\n`);
  process.exit(EXIT_FAILED);
}
const { Kafka, AssignerProtocol, logLevel } = kafkajs;
const CLIENT = `kafkajs ${require('kafkajs/package.json').version} (node ${process.version}) group admin`;

class CompatError extends Error {}

function usage(message) {
  process.stderr.write(`USAGE: ${message}\n`);
  process.exit(EXIT_USAGE);
}

function parseArgs(argv) {
  const args = { command: argv[0], bootstrap: null, spec: {}, timeout: 60 };
  for (let i = 1; i < argv.length; i++) {
    const next = () => {
      if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--bootstrap': args.bootstrap = next(); break;
      case '--spec':
        try { args.spec = JSON.parse(next()); } catch (e) { usage(`--spec is not valid JSON: ${e.message}`); }
        break;
      case '--timeout': args.timeout = Number(next()); break;
      default: usage(`unknown argument ${argv[i]}`);
    }
  }
  if (!args.command || !COMMANDS[args.command]) usage(`command must be one of ${Object.keys(COMMANDS).join(', ')}`);
  if (!args.bootstrap) usage(`${args.command} needs --bootstrap HOST:PORT`);
  return args;
}

const stderrLogger = () => ({ namespace, label, log }) => {
  const { message, ...rest } = log;
  process.stderr.write(`[kafkajs ${label}] ${namespace}: ${message} ${JSON.stringify(rest)}\n`);
};

function admin(bootstrap) {
  return new Kafka({
    clientId: 'actorstream-compat-group-admin',
    brokers: [bootstrap],
    connectionTimeout: 10000,
    requestTimeout: 30000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator: stderrLogger,
  }).admin();
}

async function cmdDescribe(bootstrap, spec) {
  const client = admin(bootstrap);
  await client.connect();
  try {
    const { groups } = await client.listGroups();
    const listed = groups.map((g) => ({ group: g.groupId, protocol_type: g.protocolType }));
    let described = null;
    let group = null;
    try {
      described = (await client.describeGroups([spec.group])).groups.find((g) => g.groupId === spec.group);
    } catch (e) {
      // KafkaJS throws a group's error code (e.g. GROUP_ID_NOT_FOUND for a deleted group on newer brokers).
      if (!e.type) throw e;
      group = { group: spec.group, error: e.type, state: null, protocol_type: null, protocol: null, members: [] };
    }
    if (described) {
      group = {
        group: described.groupId,
        error: described.errorCode ? `error code ${described.errorCode}` : null,
        state: described.state,
        protocol_type: described.protocolType,
        protocol: described.protocol,
        members: described.members.map((m) => {
          const assignment = m.memberAssignment && m.memberAssignment.length
            ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
          const metadata = m.memberMetadata && m.memberMetadata.length
            ? AssignerProtocol.MemberMetadata.decode(m.memberMetadata) : null;
          return {
            member_id: m.memberId,
            client_id: m.clientId,
            client_host: m.clientHost,
            assignment: ((assignment && assignment.assignment[spec.topic]) || []).slice().sort((a, b) => a - b),
            subscription: ((metadata && metadata.topics) || []).slice().sort(),
          };
        }).sort((a, b) => (a.client_id < b.client_id ? -1 : a.client_id > b.client_id ? 1 : 0)),
      };
    }
    const offsets = {};
    for (const t of await client.fetchOffsets({ groupId: spec.group, topics: [spec.topic] })) {
      for (const p of t.partitions) {
        if (Number(p.offset) >= 0) offsets[String(p.partition)] = Number(p.offset);
      }
    }
    return { listed, group, offsets };
  } finally {
    await client.disconnect();
  }
}

async function cmdDelete(bootstrap, spec) {
  const client = admin(bootstrap);
  await client.connect();
  const results = {};
  try {
    for (const g of spec.groups) results[g] = null;
    try {
      await client.deleteGroups(spec.groups);
    } catch (e) {
      // KafkaJSDeleteGroupsError carries each group's error; anything else is a failure of the call itself.
      if (!e.groups) throw e;
      for (const g of e.groups) results[g.groupId] = g.error ? g.error.type || g.error.message : `error code ${g.errorCode}`;
    }
  } finally {
    await client.disconnect();
  }
  return { results };
}

const COMMANDS = { describe: cmdDescribe, delete: cmdDelete };

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const watchdog = setTimeout(() => {
    process.stderr.write(`TIMEOUT: ${CLIENT} ${args.command} did not finish within ${args.timeout} s (hard timeout); giving up\n`);
    process.exit(EXIT_TIMEOUT);
  }, args.timeout * 1000);
  watchdog.unref();
  const started = Date.now();
  try {
    const result = await COMMANDS[args.command](args.bootstrap, args.spec);
    result.client = CLIENT;
    result.elapsed_ms = Date.now() - started;
    process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
  } catch (e) {
    if (!(e instanceof CompatError)) process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.stderr.write(`FAILED: ${CLIENT} ${args.command}: ${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : e}\n`);
    process.exit(EXIT_FAILED);
  }
}

main();
