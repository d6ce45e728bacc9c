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

const { kafkajs, VERSION, newKafka, runCommand } = require('./kafkajs_common');

const { AssignerProtocol } = kafkajs;
const CLIENT = `kafkajs ${VERSION} (node ${process.version}) group admin`;

const admin = (bootstrap) => newKafka('actorstream-compat-group-admin', bootstrap).admin();

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

runCommand(CLIENT, COMMANDS);
