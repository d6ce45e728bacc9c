// What the KafkaJS scripts of the ActorStream compatibility suite share (the twin of compat_common.py): exit codes,
// loading kafkajs with a clear message when it is missing, argument errors, KafkaJS logs on stderr, a client
// configured the same way everywhere, and the run of a command that prints one JSON result.
'use strict';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_TIMEOUT = 3;

let kafkajs;
try {
  kafkajs = require('kafkajs');
} catch (e) {
  process.stderr.write(`FAILED: kafkajs is not installed next to ${require.main.filename} (${e.message}); run "npm ci" in ${__dirname}\n`);
  process.exit(EXIT_FAILED);
}
const { Kafka, logLevel } = kafkajs;
const VERSION = require('kafkajs/package.json').version;

class CompatError extends Error {}

function usage(message) {
  process.stderr.write(`USAGE: ${message}\n`);
  process.exit(EXIT_USAGE);
}

const stderrLogger = () => ({ namespace, label, log }) => {
  const { message, ...rest } = log;
  process.stderr.write(`[kafkajs ${label}] ${namespace}: ${message} ${JSON.stringify(rest)}\n`);
};

/** A KafkaJS client as every script of the suite makes it: short retries, WARN and above on stderr. */
function newKafka(clientId, bootstrap, retries = 5) {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    connectionTimeout: 10000,
    requestTimeout: 30000,
    retry: { retries, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator: stderrLogger,
  });
}

/** Ends the process (EXIT_TIMEOUT) if it is still running after `seconds`. */
function startWatchdog(seconds, what) {
  setTimeout(() => {
    process.stderr.write(`TIMEOUT: ${what} did not finish within ${seconds} s (hard timeout); giving up\n`);
    process.exit(EXIT_TIMEOUT);
  }, seconds * 1000).unref();
}

class Deadline {
  constructor(seconds) { this.end = Date.now() + seconds * 1000; }
  remainingMs() { return Math.max(0, this.end - Date.now()); }
  // Polls a condition until it holds (Kafka metadata changes are asynchronous); the interval is not synchronisation.
  async waitFor(description, condition, intervalMs = 200) {
    for (;;) {
      const value = await condition();
      if (value) return value;
      if (this.remainingMs() <= 0) throw new CompatError(`timed out waiting for ${description}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/**
 * `<command> --bootstrap HOST:PORT [--spec JSON] [--timeout SECONDS]`: runs commands[command](bootstrap, spec,
 * deadline) and prints its result, with the client and the elapsed time, as one JSON line; exits 0, or non-zero
 * with a message on stderr. Commands in `offline` need no --bootstrap.
 */
async function runCommand(client, commands, offline = []) {
  const argv = process.argv.slice(2);
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
  if (!args.command || !commands[args.command]) usage(`command must be one of ${Object.keys(commands).join(', ')}`);
  if (!args.bootstrap && !offline.includes(args.command)) usage(`${args.command} needs --bootstrap HOST:PORT`);

  startWatchdog(args.timeout, `${client} ${args.command}`);
  const started = Date.now();
  try {
    const result = await commands[args.command](args.bootstrap, args.spec, new Deadline(args.timeout * 0.9));
    result.client = client;
    result.elapsed_ms = Date.now() - started;
    process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
  } catch (e) {
    if (!(e instanceof CompatError)) process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.stderr.write(`FAILED: ${client} ${args.command}: ${describeError(e)}\n`);
    process.exit(EXIT_FAILED);
  }
}

const describeError = (e) => `${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : e}`;

module.exports = {
  EXIT_FAILED, kafkajs, VERSION, CompatError, usage, newKafka, startWatchdog, runCommand, describeError,
};
