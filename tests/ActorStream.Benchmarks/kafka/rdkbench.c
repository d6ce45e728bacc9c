/*
 * rdkbench: a small benchmark client for any Kafka-protocol broker, built on librdkafka.
 *
 * Modes:
 *   produce       produce --count records of --size bytes as fast as possible; wait for every
 *                 delivery report; fail (exit 1) if any record was not delivered.
 *   consume       read --count records of a topic from the beginning of every partition, with the
 *                 simple (legacy) consumer API: no consumer group is needed on the broker.
 *   latency       produce at a fixed --rate for --seconds (acks=1, linger.ms=0 by default) and
 *                 report the produce()-to-delivery-report latency percentiles in microseconds.
 *   create-topic  create a topic with the Admin API (CreateTopics) and wait until it has leaders.
 *   delete-topic  delete a topic with the Admin API (DeleteTopics).
 *   metadata      connect, print the brokers, controller and topic count (a reachability check).
 *   mock          start librdkafka's in-process mock cluster and print "ready: kafka=<host:port>"
 *                 (only to test this harness without a real broker; its figures mean nothing).
 *
 * Every successful run prints exactly one line starting with "RESULT <mode> " followed by
 * space-separated key=value pairs, on stdout. Everything else (diagnostics, librdkafka errors)
 * goes to stderr.
 *
 * Exit codes: 0 success; 1 failure (delivery failure, timeout, broker error); 2 bad arguments;
 * 3 the broker does not support the requested Admin API (create-topic / delete-topic).
 *
 * Build: gcc -O2 -Wall -Wextra -o rdkbench rdkbench.c -lrdkafka -lpthread -lm
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_UNSUPPORTED 3

_Static_assert(sizeof(void *) >= sizeof(uint64_t), "msg_opaque must be able to carry a 64-bit timestamp");

typedef enum { MODE_PRODUCE, MODE_CONSUME, MODE_LATENCY, MODE_CREATE, MODE_DELETE, MODE_METADATA, MODE_MOCK } mode_t_;

typedef struct {
    mode_t_ mode;
    const char *mode_name;
    const char *brokers;
    const char *topic;
    long size;
    long long count;      /* -1: mode default */
    const char *acks;
    long linger_ms;       /* -1: mode default */
    long batch_size;      /* -1: librdkafka default */
    long batch_num;       /* -1: librdkafka default */
    const char *compression;
    long timeout_sec;
    double rate;
    double seconds;
    long long warmup;     /* -1: mode default */
    long partitions;
    long replication;
    int if_not_exists;
    int if_exists;
    int verbose;
    const char **props;   /* -X key=value */
    int nprops;
} opts_t;

/* ---- shared state (delivery reports may run on the latency poller thread) ---- */
static atomic_llong g_delivered;
static atomic_llong g_failed;
static atomic_llong g_last_progress_ns;   /* last delivery report / consumed record */
static atomic_llong g_last_dr_ns;         /* time of the last successful delivery report */
static atomic_int g_stop;                 /* SIGINT / SIGTERM */
static char g_first_dr_error[512];
static atomic_int g_have_dr_error;
static char g_last_error[512];            /* last librdkafka error (error_cb), main thread only */
static pthread_mutex_t g_err_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *g_lat;                   /* latency mode: latencies in ns */
static atomic_llong g_lat_n;
static long long g_lat_cap;
static int g_verbose;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("rdkbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
}

static void on_signal(int sig) {
    (void)sig;
    atomic_store(&g_stop, 1);
}

/* ---- librdkafka callbacks ---- */
static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)opaque;
    pthread_mutex_lock(&g_err_lock);
    snprintf(g_last_error, sizeof g_last_error, "%s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
    pthread_mutex_unlock(&g_err_lock);
    errf("librdkafka error (%s): %s: %s", rd_kafka_name(rk), rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[512];
        rd_kafka_resp_err_t ferr = rd_kafka_fatal_error(rk, buf, sizeof buf);
        errf("librdkafka FATAL error: %s: %s", rd_kafka_err2name(ferr), buf);
        atomic_store(&g_stop, 1);
    }
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    (void)rk;
    /* Errors are reported through error_cb as well; only show warnings and worse, unless -v. */
    if (g_verbose)
        fprintf(stderr, "rdkbench: %.3f ms: librdkafka log %d %s: %s\n", (double)now_ns() / 1e6, level, fac, buf);
    else if (level <= 4 && strcmp(fac, "FAIL") != 0)
        fprintf(stderr, "rdkbench: librdkafka log %d %s: %s\n", level, fac, buf);
}

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque) {
    (void)rk;
    (void)opaque;
    int64_t t = now_ns();
    if (rkm->err) {
        if (!atomic_exchange(&g_have_dr_error, 1))
            snprintf(g_first_dr_error, sizeof g_first_dr_error, "%s: %s", rd_kafka_err2name(rkm->err),
                     rd_kafka_message_errstr(rkm));
        atomic_fetch_add(&g_failed, 1);
    } else {
        if (rkm->_private && g_lat) {
            int64_t sent = (int64_t)(uintptr_t)rkm->_private;
            long long i = atomic_fetch_add(&g_lat_n, 1);
            if (i < g_lat_cap)
                g_lat[i] = (uint64_t)(t - sent);
        }
        atomic_fetch_add(&g_delivered, 1);
        atomic_store(&g_last_dr_ns, t);
    }
    atomic_store(&g_last_progress_ns, t);
}

static void last_error(char *out, size_t n) {
    pthread_mutex_lock(&g_err_lock);
    snprintf(out, n, "%s", g_last_error[0] ? g_last_error : "none reported");
    pthread_mutex_unlock(&g_err_lock);
}

/* ---- usage ---- */
static void usage(FILE *f) {
    fprintf(f,
        "Usage: rdkbench <mode> [options]\n"
        "\n"
        "Modes:\n"
        "  produce        produce --count records of --size bytes as fast as possible\n"
        "  consume        consume --count records of --topic from the beginning (all partitions, no group)\n"
        "  latency        produce at --rate records/s for --seconds; report latency percentiles (us)\n"
        "  create-topic   create --topic with --partitions/--replication (Admin API)\n"
        "  delete-topic   delete --topic (Admin API)\n"
        "  metadata       connect and print brokers, controller id, topic count (reachability check)\n"
        "  mock           run librdkafka's mock cluster and print 'ready: kafka=<host:port>' (self-test only)\n"
        "\n"
        "Options:\n"
        "  -b, --brokers LIST      bootstrap servers (default 127.0.0.1:9092)\n"
        "  -t, --topic NAME        topic (required except for mock)\n"
        "  -s, --size BYTES        record value size (default 100)\n"
        "  -n, --count N           records: produce default 1000000; consume default 0 = up to the\n"
        "                          high watermarks at start\n"
        "  -a, --acks N            0, 1 or all/-1 (default 1)\n"
        "  -l, --linger-ms MS      linger.ms (default 5 for produce, 0 for latency)\n"
        "  -B, --batch-size BYTES  batch.size (default: librdkafka's, 1000000)\n"
        "  -N, --batch-num N       batch.num.messages (default: librdkafka's, 10000)\n"
        "  -z, --compression C     none|gzip|snappy|lz4|zstd (default none)\n"
        "  -T, --timeout-sec S     give up after S seconds without progress: connecting, a record's\n"
        "                          delivery (message.timeout.ms), consuming (default 60)\n"
        "  -r, --rate R            latency: records per second (default 1000)\n"
        "  -d, --seconds S         latency: duration (default 10)\n"
        "  -w, --warmup N          records produced and acknowledged before timing starts\n"
        "                          (default 1 for produce, 1000 for latency)\n"
        "  -p, --partitions N      create-topic: partitions (default 1); mock: pre-create --topic\n"
        "  -R, --replication N     create-topic: replication factor (default 1)\n"
        "      --if-not-exists     create-topic: an existing topic is not an error\n"
        "      --if-exists         delete-topic: a missing topic is not an error\n"
        "  -X, --property K=V      any librdkafka configuration property (repeatable, applied last)\n"
        "  -v, --verbose           show all librdkafka logs\n"
        "  -h, --help              this help\n"
        "\n"
        "Output: one line 'RESULT <mode> key=value ...' on stdout. Exit: 0 ok, 1 failure,\n"
        "2 bad arguments, 3 Admin API not supported by the broker.\n");
}

static int parse_long(const char *s, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end) return -1;
    *out = v;
    return 0;
}

static int parse_ll(const char *s, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return -1;
    *out = v;
    return 0;
}

static int parse_double(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end) return -1;
    *out = v;
    return 0;
}

static int bad_arg(const char *opt, const char *val) {
    usage(stderr);
    errf("invalid value '%s' for %s", val, opt);
    return EXIT_USAGE;
}

enum { OPT_IF_NOT_EXISTS = 1000, OPT_IF_EXISTS };

static int parse_opts(int argc, char **argv, opts_t *o) {
    memset(o, 0, sizeof *o);
    o->brokers = "127.0.0.1:9092";
    o->size = 100;
    o->count = -1;
    o->acks = "1";
    o->linger_ms = -1;
    o->batch_size = -1;
    o->batch_num = -1;
    o->compression = "none";
    o->timeout_sec = 60;
    o->rate = 1000;
    o->seconds = 10;
    o->warmup = -1;
    o->partitions = 1;
    o->replication = 1;
    o->props = calloc((size_t)argc + 1, sizeof *o->props);

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *m = argv[1];
    if (!strcmp(m, "-h") || !strcmp(m, "--help")) {
        usage(stdout);
        exit(0);
    }
    if (!strcmp(m, "produce")) o->mode = MODE_PRODUCE;
    else if (!strcmp(m, "consume")) o->mode = MODE_CONSUME;
    else if (!strcmp(m, "latency")) o->mode = MODE_LATENCY;
    else if (!strcmp(m, "create-topic")) o->mode = MODE_CREATE;
    else if (!strcmp(m, "delete-topic")) o->mode = MODE_DELETE;
    else if (!strcmp(m, "metadata")) o->mode = MODE_METADATA;
    else if (!strcmp(m, "mock")) o->mode = MODE_MOCK;
    else {
        usage(stderr);
        errf("unknown mode '%s'", m);
        return EXIT_USAGE;
    }
    o->mode_name = m;

    static const struct option lopts[] = {
        {"brokers", required_argument, 0, 'b'},   {"topic", required_argument, 0, 't'},
        {"size", required_argument, 0, 's'},      {"count", required_argument, 0, 'n'},
        {"acks", required_argument, 0, 'a'},      {"linger-ms", required_argument, 0, 'l'},
        {"batch-size", required_argument, 0, 'B'}, {"batch-num", required_argument, 0, 'N'},
        {"compression", required_argument, 0, 'z'}, {"timeout-sec", required_argument, 0, 'T'},
        {"rate", required_argument, 0, 'r'},      {"seconds", required_argument, 0, 'd'},
        {"warmup", required_argument, 0, 'w'},    {"partitions", required_argument, 0, 'p'},
        {"replication", required_argument, 0, 'R'}, {"if-not-exists", no_argument, 0, OPT_IF_NOT_EXISTS},
        {"if-exists", no_argument, 0, OPT_IF_EXISTS}, {"property", required_argument, 0, 'X'},
        {"verbose", no_argument, 0, 'v'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};

    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "b:t:s:n:a:l:B:N:z:T:r:d:w:p:R:X:vh", lopts, NULL)) != -1) {
        switch (c) {
        case 'b': o->brokers = optarg; break;
        case 't': o->topic = optarg; break;
        case 's': if (parse_long(optarg, &o->size) || o->size < 0) return bad_arg("--size", optarg); break;
        case 'n': if (parse_ll(optarg, &o->count) || o->count < 0) return bad_arg("--count", optarg); break;
        case 'a':
            if (!strcmp(optarg, "all")) o->acks = "-1";
            else if (!strcmp(optarg, "0") || !strcmp(optarg, "1") || !strcmp(optarg, "-1")) o->acks = optarg;
            else return bad_arg("--acks", optarg);
            break;
        case 'l': if (parse_long(optarg, &o->linger_ms) || o->linger_ms < 0) return bad_arg("--linger-ms", optarg); break;
        case 'B': if (parse_long(optarg, &o->batch_size) || o->batch_size <= 0) return bad_arg("--batch-size", optarg); break;
        case 'N': if (parse_long(optarg, &o->batch_num) || o->batch_num <= 0) return bad_arg("--batch-num", optarg); break;
        case 'z': o->compression = optarg; break;
        case 'T': if (parse_long(optarg, &o->timeout_sec) || o->timeout_sec <= 0) return bad_arg("--timeout-sec", optarg); break;
        case 'r': if (parse_double(optarg, &o->rate) || !(o->rate > 0)) return bad_arg("--rate", optarg); break;
        case 'd': if (parse_double(optarg, &o->seconds) || !(o->seconds > 0)) return bad_arg("--seconds", optarg); break;
        case 'w': if (parse_ll(optarg, &o->warmup) || o->warmup < 0) return bad_arg("--warmup", optarg); break;
        case 'p': if (parse_long(optarg, &o->partitions) || o->partitions <= 0) return bad_arg("--partitions", optarg); break;
        case 'R': if (parse_long(optarg, &o->replication) || o->replication <= 0) return bad_arg("--replication", optarg); break;
        case OPT_IF_NOT_EXISTS: o->if_not_exists = 1; break;
        case OPT_IF_EXISTS: o->if_exists = 1; break;
        case 'X':
            if (!strchr(optarg, '=')) return bad_arg("-X (expected key=value)", optarg);
            o->props[o->nprops++] = optarg;
            break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc - 1) {
        usage(stderr);
        errf("unexpected argument '%s'", argv[optind + 1]);
        return EXIT_USAGE;
    }
    if (!o->topic && o->mode != MODE_MOCK && o->mode != MODE_METADATA) {
        usage(stderr);
        errf("--topic is required for mode %s", o->mode_name);
        return EXIT_USAGE;
    }
    if ((o->mode == MODE_PRODUCE || o->mode == MODE_LATENCY) && o->size <= 0) {
        errf("--size must be > 0 to produce");
        return EXIT_USAGE;
    }
    if (o->count < 0) o->count = o->mode == MODE_PRODUCE ? 1000000 : 0;
    if (o->mode == MODE_PRODUCE && o->count == 0) {
        errf("--count must be > 0 to produce");
        return EXIT_USAGE;
    }
    if (o->linger_ms < 0) o->linger_ms = o->mode == MODE_LATENCY ? 0 : 5;
    if (o->warmup < 0) o->warmup = o->mode == MODE_LATENCY ? 1000 : 1;
    g_verbose = o->verbose;
    return 0;
}

/* ---- configuration ---- */
static int conf_set(rd_kafka_conf_t *conf, const char *k, const char *v) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, k, v, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        errf("configuration %s=%s rejected: %s", k, v, errstr);
        return -1;
    }
    return 0;
}

static int conf_setl(rd_kafka_conf_t *conf, const char *k, long long v) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return conf_set(conf, k, buf);
}

static rd_kafka_t *make_client(const opts_t *o, rd_kafka_type_t type) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[512];
    int bad = 0;
    bad |= conf_set(conf, "bootstrap.servers", o->brokers);
    bad |= conf_set(conf, "client.id", "rdkbench");
    bad |= conf_set(conf, "socket.nagle.disable", "true");
    bad |= conf_set(conf, "log.connection.close", "false");
    if (type == RD_KAFKA_PRODUCER) {
        bad |= conf_set(conf, "acks", o->acks);
        bad |= conf_setl(conf, "linger.ms", o->linger_ms);
        bad |= conf_set(conf, "compression.type", o->compression);
        bad |= conf_setl(conf, "message.timeout.ms", o->timeout_sec * 1000LL);
        bad |= conf_set(conf, "enable.idempotence", "false");
        if (o->batch_size > 0) bad |= conf_setl(conf, "batch.size", o->batch_size);
        if (o->batch_num > 0) bad |= conf_setl(conf, "batch.num.messages", o->batch_num);
        rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
    } else {
        bad |= conf_set(conf, "enable.partition.eof", "false");
        bad |= conf_set(conf, "auto.offset.reset", "earliest");
    }
    for (int i = 0; i < o->nprops; i++) {
        char *kv = strdup(o->props[i]);
        char *eq = strchr(kv, '=');
        *eq = '\0';
        bad |= conf_set(conf, kv, eq + 1);
        free(kv);
    }
    if (bad) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_error_cb(conf, error_cb);
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
    if (!rk) {
        errf("failed to create librdkafka %s: %s", type == RD_KAFKA_PRODUCER ? "producer" : "consumer", errstr);
        return NULL;
    }
    return rk;
}

/* Waits until the topic's metadata lists it with >= 1 partition, each with a leader. Returns the
 * partition count, or -1 after timeout_sec (printing why). */
static int wait_topic_metadata(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const opts_t *o, int quiet_missing) {
    int64_t deadline = now_ns() + o->timeout_sec * 1000000000LL;
    char why[600] = "no response from any broker";
    for (;;) {
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 1000);
        rd_kafka_poll(rk, 0); /* serve error_cb */
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            int ok = 0, cnt = -1;
            if (md->topic_cnt != 1) {
                snprintf(why, sizeof why, "metadata response lists %d topics, expected 1", md->topic_cnt);
            } else if (md->topics[0].err) {
                snprintf(why, sizeof why, "topic '%s': %s", o->topic, rd_kafka_err2str(md->topics[0].err));
            } else if (md->topics[0].partition_cnt <= 0) {
                snprintf(why, sizeof why, "topic '%s' has no partitions", o->topic);
            } else {
                ok = 1;
                cnt = md->topics[0].partition_cnt;
                for (int i = 0; i < cnt; i++) {
                    if (md->topics[0].partitions[i].leader < 0 || md->topics[0].partitions[i].err) {
                        snprintf(why, sizeof why, "topic '%s' partition %d: leader %d, %s", o->topic,
                                 md->topics[0].partitions[i].id, md->topics[0].partitions[i].leader,
                                 rd_kafka_err2str(md->topics[0].partitions[i].err));
                        ok = 0;
                        break;
                    }
                }
            }
            rd_kafka_metadata_destroy(md);
            if (ok) return cnt;
            if (!quiet_missing && g_verbose) errf("waiting for topic metadata: %s", why);
        } else {
            char le[512];
            last_error(le, sizeof le);
            snprintf(why, sizeof why, "metadata request failed: %s (last librdkafka error: %s)", rd_kafka_err2str(err), le);
        }
        if (atomic_load(&g_stop)) {
            errf("interrupted");
            return -1;
        }
        if (now_ns() >= deadline) {
            errf("ERROR: timed out after %lds waiting for metadata of topic '%s' from %s: %s", o->timeout_sec,
                 o->topic, o->brokers, why);
            return -1;
        }
        usleep(100000);
    }
}

/* Polls until delivered+failed reaches `target`, or no delivery report arrived for timeout_sec.
 * poll_self: call rd_kafka_poll (no poller thread). Returns 0 when all reports arrived. */
static int wait_deliveries(rd_kafka_t *rk, long long target, const opts_t *o, int poll_self) {
    while (atomic_load(&g_delivered) + atomic_load(&g_failed) < target) {
        if (poll_self) rd_kafka_poll(rk, 50);
        else usleep(2000);
        if (atomic_load(&g_stop)) {
            errf("interrupted while waiting for delivery reports");
            return -1;
        }
        if (now_ns() - atomic_load(&g_last_progress_ns) > o->timeout_sec * 1000000000LL) {
            char le[512];
            last_error(le, sizeof le);
            errf("ERROR: timed out: no delivery report for %lds; %lld of %lld records acknowledged, "
                 "%d still queued/in flight (last librdkafka error: %s)",
                 o->timeout_sec, (long long)atomic_load(&g_delivered), target, rd_kafka_outq_len(rk), le);
            return -1;
        }
    }
    return 0;
}

static void reset_counters(void) {
    atomic_store(&g_delivered, 0);
    atomic_store(&g_failed, 0);
    atomic_store(&g_last_progress_ns, now_ns());
    atomic_store(&g_last_dr_ns, 0);
}

static void destroy_producer(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int failed) {
    if (failed) {
        rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(rk, 0);
    } else {
        rd_kafka_flush(rk, 5000);
    }
    if (rkt) rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
}

static char *make_payload(long size) {
    char *p = malloc((size_t)size);
    for (long i = 0; i < size; i++) p[i] = (char)('a' + i % 26);
    return p;
}

/* Produces `n` records as fast as possible, handling QUEUE_FULL by polling. opaque_ts: carry the
 * send timestamp in msg_opaque. Returns 0, or -1 on a produce error / stall / interruption. */
static int produce_n(rd_kafka_t *rk, rd_kafka_topic_t *rkt, char *payload, const opts_t *o, long long n) {
    for (long long i = 0; i < n; i++) {
        for (;;) {
            if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, 0, payload, (size_t)o->size, NULL, 0, NULL) == 0)
                break;
            rd_kafka_resp_err_t err = rd_kafka_last_error();
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                errf("ERROR: produce failed: %s: %s", rd_kafka_err2name(err), rd_kafka_err2str(err));
                return -1;
            }
            rd_kafka_poll(rk, 10);
            if (atomic_load(&g_stop)) {
                errf("interrupted");
                return -1;
            }
            if (now_ns() - atomic_load(&g_last_progress_ns) > o->timeout_sec * 1000000000LL) {
                char le[512];
                last_error(le, sizeof le);
                errf("ERROR: timed out: producer queue full and no delivery report for %lds (last librdkafka error: %s)",
                     o->timeout_sec, le);
                return -1;
            }
        }
        if ((i & 63) == 0) rd_kafka_poll(rk, 0);
    }
    return 0;
}

static int report_dr_failures(const char *what) {
    long long f = atomic_load(&g_failed);
    if (f) {
        errf("ERROR: %lld %s record(s) failed delivery; first error: %s", f, what, g_first_dr_error);
        return -1;
    }
    return 0;
}

static int warmup_producer(rd_kafka_t *rk, rd_kafka_topic_t *rkt, char *payload, const opts_t *o, int poll_self) {
    if (o->warmup <= 0) return 0;
    reset_counters();
    if (produce_n(rk, rkt, payload, o, o->warmup)) return -1;
    if (wait_deliveries(rk, o->warmup, o, poll_self)) return -1;
    return report_dr_failures("warm-up");
}

/* ---- produce ---- */
static int run_produce(const opts_t *o) {
    rd_kafka_t *rk = make_client(o, RD_KAFKA_PRODUCER);
    if (!rk) return EXIT_FAIL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
    char *payload = make_payload(o->size);
    int rc = EXIT_FAIL;

    if (wait_topic_metadata(rk, rkt, o, 0) < 0) goto out;
    if (warmup_producer(rk, rkt, payload, o, 1)) goto out;

    reset_counters();
    int64_t t0 = now_ns();
    if (produce_n(rk, rkt, payload, o, o->count)) goto out;
    if (wait_deliveries(rk, o->count, o, 1)) goto out;
    int64_t t1 = atomic_load(&g_last_dr_ns);
    if (t1 <= t0) t1 = now_ns();
    long long failed = atomic_load(&g_failed);
    long long ok = atomic_load(&g_delivered);
    double secs = (double)(t1 - t0) / 1e9;
    double bytes = (double)ok * (double)o->size;
    printf("RESULT produce size=%ld records=%lld secs=%.3f records_per_sec=%.0f mb_per_sec=%.2f mib_per_sec=%.2f "
           "failed=%lld acks=%s linger_ms=%ld batch_size=%ld compression=%s warmup=%lld\n",
           o->size, ok, secs, (double)ok / secs, bytes / 1e6 / secs, bytes / 1048576.0 / secs, failed,
           o->acks, o->linger_ms, o->batch_size, o->compression, o->warmup);
    fflush(stdout);
    rc = report_dr_failures("produced") ? EXIT_FAIL : 0;
out:
    destroy_producer(rk, rkt, rc != 0);
    free(payload);
    return rc;
}

/* ---- latency ---- */
static atomic_int g_poller_stop;
static void *poller_main(void *arg) {
    rd_kafka_t *rk = arg;
    while (!atomic_load(&g_poller_stop)) rd_kafka_poll(rk, 20);
    rd_kafka_poll(rk, 0);
    return NULL;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_us(const uint64_t *s, long long n, double q) {
    long long idx = (long long)ceil(q * (double)n) - 1; /* nearest rank */
    if (idx < 0) idx = 0;
    if (idx >= n) idx = n - 1;
    return (double)s[idx] / 1000.0;
}

static int run_latency(const opts_t *o) {
    rd_kafka_t *rk = make_client(o, RD_KAFKA_PRODUCER);
    if (!rk) return EXIT_FAIL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
    char *payload = make_payload(o->size);
    int rc = EXIT_FAIL;
    pthread_t poller;
    int poller_started = 0;

    long long total = llround(o->rate * o->seconds);
    if (total <= 0) {
        errf("--rate x --seconds gives no records");
        goto out;
    }
    g_lat_cap = total;
    g_lat = calloc((size_t)total, sizeof *g_lat);

    if (wait_topic_metadata(rk, rkt, o, 0) < 0) goto out;
    /* Delivery reports are served by a dedicated thread so that their timestamps are not delayed
     * by the pacing of the produce loop. */
    atomic_store(&g_poller_stop, 0);
    if (pthread_create(&poller, NULL, poller_main, rk)) {
        errf("pthread_create failed");
        goto out;
    }
    poller_started = 1;
    if (o->warmup > 0) {
        reset_counters();
        for (long long i = 0; i < o->warmup; i++) {
            while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, 0, payload, (size_t)o->size, NULL, 0, NULL)) {
                rd_kafka_resp_err_t err = rd_kafka_last_error();
                if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                    errf("ERROR: produce failed: %s", rd_kafka_err2str(err));
                    goto out;
                }
                usleep(1000);
            }
        }
        if (wait_deliveries(rk, o->warmup, o, 0) || report_dr_failures("warm-up")) goto out;
    }

    reset_counters();
    atomic_store(&g_lat_n, 0);
    double interval_ns = 1e9 / o->rate;
    int64_t t0 = now_ns() + 1000000; /* start 1 ms from now */
    int64_t max_lag = 0;
    long long behind = 0; /* sends more than 1 ms late */
    for (long long i = 0; i < total; i++) {
        int64_t target = t0 + (int64_t)((double)i * interval_ns);
        int64_t t = now_ns();
        if (t < target) {
            struct timespec ts = {.tv_sec = target / 1000000000LL, .tv_nsec = target % 1000000000LL};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !atomic_load(&g_stop)) {}
        }
        if (atomic_load(&g_stop)) {
            errf("interrupted");
            goto out;
        }
        int64_t sent = now_ns();
        if (sent - target > max_lag) max_lag = sent - target;
        if (sent - target > 1000000) behind++;
        while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, 0, payload, (size_t)o->size, NULL, 0,
                                (void *)(uintptr_t)sent)) {
            rd_kafka_resp_err_t err = rd_kafka_last_error();
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                errf("ERROR: produce failed: %s", rd_kafka_err2str(err));
                goto out;
            }
            if (now_ns() - atomic_load(&g_last_progress_ns) > o->timeout_sec * 1000000000LL) {
                errf("ERROR: timed out: producer queue full and no delivery report for %lds", o->timeout_sec);
                goto out;
            }
            usleep(100);
        }
    }
    int64_t t_end = now_ns();
    if (wait_deliveries(rk, total, o, 0)) goto out;
    atomic_store(&g_poller_stop, 1);
    pthread_join(poller, NULL);
    poller_started = 0;

    long long n = atomic_load(&g_lat_n);
    if (n > total) n = total;
    long long failed = atomic_load(&g_failed);
    if (n == 0) {
        errf("ERROR: no record was delivered");
        report_dr_failures("latency");
        goto out;
    }
    qsort(g_lat, (size_t)n, sizeof *g_lat, cmp_u64);
    double sum = 0;
    for (long long i = 0; i < n; i++) sum += (double)g_lat[i];
    double secs = (double)(t_end - t0) / 1e9;
    printf("RESULT latency size=%ld records=%lld secs=%.3f target_rate=%.0f actual_rate=%.0f failed=%lld "
           "min_us=%.0f mean_us=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f "
           "acks=%s linger_ms=%ld warmup=%lld max_send_lag_us=%.0f late_sends=%lld\n",
           o->size, n, secs, o->rate, (double)total / secs, failed, (double)g_lat[0] / 1000.0, sum / (double)n / 1000.0,
           pct_us(g_lat, n, 0.50), pct_us(g_lat, n, 0.90), pct_us(g_lat, n, 0.99), pct_us(g_lat, n, 0.999),
           (double)g_lat[n - 1] / 1000.0, o->acks, o->linger_ms, o->warmup, (double)max_lag / 1000.0, behind);
    fflush(stdout);
    rc = report_dr_failures("latency") ? EXIT_FAIL : 0;
out:
    if (poller_started) {
        atomic_store(&g_poller_stop, 1);
        pthread_join(poller, NULL);
    }
    destroy_producer(rk, rkt, rc != 0);
    free(payload);
    free(g_lat);
    g_lat = NULL;
    return rc;
}

/* ---- consume ---- */
static int run_consume(const opts_t *o) {
    rd_kafka_t *rk = make_client(o, RD_KAFKA_CONSUMER);
    if (!rk) return EXIT_FAIL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
    rd_kafka_queue_t *rkqu = rd_kafka_queue_new(rk);
    int rc = EXIT_FAIL;
    int started = 0;
    rd_kafka_message_t *msgs[1024];

    int nparts = wait_topic_metadata(rk, rkt, o, 0);
    if (nparts < 0) goto out;

    long long target = o->count;
    if (target == 0) {
        for (int p = 0; p < nparts; p++) {
            int64_t lo, hi;
            rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk, o->topic, p, &lo, &hi, (int)o->timeout_sec * 1000);
            if (err) {
                errf("ERROR: querying watermarks of %s[%d] failed: %s", o->topic, p, rd_kafka_err2str(err));
                goto out;
            }
            target += hi - lo;
        }
        if (target == 0) {
            errf("ERROR: topic '%s' is empty (all %d partitions) and no --count was given", o->topic, nparts);
            goto out;
        }
    }

    int64_t t0 = now_ns();
    for (int p = 0; p < nparts; p++) {
        if (rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, rkqu) == -1) {
            errf("ERROR: consume_start %s[%d] failed: %s", o->topic, p, rd_kafka_err2str(rd_kafka_last_error()));
            goto out;
        }
        started = p + 1;
    }

    long long got = 0, errors = 0, first_batch = 0;
    double bytes = 0, first_batch_bytes = 0;
    int64_t first = 0, last = t0;
    while (got < target) {
        long long want = target - got;
        ssize_t n = rd_kafka_consume_batch_queue(rkqu, 100, msgs, (size_t)(want < 1024 ? want : 1024));
        int64_t t = now_ns();
        if (n < 0) {
            errf("ERROR: consume failed: %s", rd_kafka_err2str(rd_kafka_last_error()));
            goto out;
        }
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = msgs[i];
            if (m->err) {
                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                    errors++;
                    if (errors <= 10)
                        errf("consumer error on %s[%d]: %s: %s", o->topic, m->partition, rd_kafka_err2name(m->err),
                             rd_kafka_message_errstr(m));
                }
            } else {
                got++;
                bytes += (double)m->len;
            }
            rd_kafka_message_destroy(m);
        }
        if (n > 0 && got > 0) {
            if (!first) {
                first = t;
                first_batch = got;
                first_batch_bytes = bytes;
            }
            last = t;
        }
        rd_kafka_poll(rk, 0);
        if (atomic_load(&g_stop)) {
            errf("interrupted after %lld of %lld records", got, target);
            goto out;
        }
        if (t - last > o->timeout_sec * 1000000000LL) {
            char le[512];
            last_error(le, sizeof le);
            errf("ERROR: timed out: no record received for %lds; got %lld of %lld records (last librdkafka error: %s)",
                 o->timeout_sec, got, target, le);
            goto out;
        }
    }
    /* Throughput is measured from the first batch received to the last record, so that start-up
     * (ListOffsets, the first fetch, which a broker may hold for fetch.wait.max.ms when some
     * partitions are empty) does not count; it is reported as first_record_ms, and the
     * end-to-end time as total_secs. Records of the first batch are not counted in the rate. */
    double total_secs = (double)(last - t0) / 1e9;
    double secs = (double)(last - first) / 1e9;
    double rate_n = (double)(got - first_batch), rate_bytes = bytes - first_batch_bytes;
    if (secs <= 0 || rate_n <= 0) { /* everything came in one batch: use the end-to-end time */
        secs = total_secs > 0 ? total_secs : 1e-9;
        rate_n = (double)got;
        rate_bytes = bytes;
    }
    printf("RESULT consume size=%.0f records=%lld secs=%.3f records_per_sec=%.0f mb_per_sec=%.2f mib_per_sec=%.2f "
           "failed=0 partitions=%d first_record_ms=%.1f total_secs=%.3f errors=%lld\n",
           got ? bytes / (double)got : 0.0, got, secs, rate_n / secs, rate_bytes / 1e6 / secs, rate_bytes / 1048576.0 / secs,
           nparts, (double)(first - t0) / 1e6, total_secs, errors);
    fflush(stdout);
    rc = 0;
out:
    for (int p = 0; p < started; p++) rd_kafka_consume_stop(rkt, p);
    rd_kafka_queue_destroy(rkqu);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    return rc;
}

/* ---- admin ---- */
static int admin_err_is_unsupported(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE || err == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION;
}

static rd_kafka_event_t *admin_wait(rd_kafka_queue_t *q, rd_kafka_event_type_t type, const opts_t *o, rd_kafka_t *rk) {
    int64_t deadline = now_ns() + (o->timeout_sec + 5) * 1000000000LL;
    while (now_ns() < deadline && !atomic_load(&g_stop)) {
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 200);
        rd_kafka_poll(rk, 0);
        if (!ev) continue;
        if (rd_kafka_event_type(ev) == type) return ev;
        rd_kafka_event_destroy(ev);
    }
    return NULL;
}

static int run_admin(const opts_t *o, int create) {
    rd_kafka_t *rk = make_client(o, RD_KAFKA_PRODUCER);
    if (!rk) return EXIT_FAIL;
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    char errstr[512];
    int rc = EXIT_FAIL;
    int64_t t0 = now_ns();
    rd_kafka_AdminOptions_t *ao =
        rd_kafka_AdminOptions_new(rk, create ? RD_KAFKA_ADMIN_OP_CREATETOPICS : RD_KAFKA_ADMIN_OP_DELETETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(ao, (int)o->timeout_sec * 1000, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(ao, (int)o->timeout_sec * 1000, errstr, sizeof errstr);

    rd_kafka_NewTopic_t *nt = NULL;
    rd_kafka_DeleteTopic_t *dt = NULL;
    if (create) {
        nt = rd_kafka_NewTopic_new(o->topic, (int)o->partitions, (int)o->replication, errstr, sizeof errstr);
        if (!nt) {
            errf("ERROR: invalid new topic: %s", errstr);
            goto out;
        }
        rd_kafka_CreateTopics(rk, &nt, 1, ao, q);
    } else {
        dt = rd_kafka_DeleteTopic_new(o->topic);
        rd_kafka_DeleteTopics(rk, &dt, 1, ao, q);
    }
    rd_kafka_event_t *ev =
        admin_wait(q, create ? RD_KAFKA_EVENT_CREATETOPICS_RESULT : RD_KAFKA_EVENT_DELETETOPICS_RESULT, o, rk);
    if (!ev && atomic_load(&g_stop)) {
        errf("interrupted");
        goto out;
    }
    if (!ev) {
        char le[512];
        last_error(le, sizeof le);
        errf("ERROR: %s '%s' on %s: no result within %lds (last librdkafka error: %s)",
             create ? "CreateTopics" : "DeleteTopics", o->topic, o->brokers, o->timeout_sec, le);
        goto out;
    }
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
    if (err) {
        char le[512];
        last_error(le, sizeof le);
        errf("ERROR: %s '%s' on %s failed: %s: %s%s (last librdkafka error: %s)", create ? "CreateTopics" : "DeleteTopics",
             o->topic, o->brokers, rd_kafka_err2name(err), rd_kafka_event_error_string(ev),
             strstr(rd_kafka_event_error_string(ev), "controller")
                 ? " (admin requests go to the controller: is the broker reachable, and does its Metadata response "
                   "name a controller among its brokers? see 'rdkbench metadata')"
                 : "",
             le);
        rc = admin_err_is_unsupported(err) ? EXIT_UNSUPPORTED : EXIT_FAIL;
        rd_kafka_event_destroy(ev);
        goto out;
    }
    size_t cnt = 0;
    const rd_kafka_topic_result_t **res =
        create ? rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt)
               : rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &cnt);
    const char *note = create ? "created" : "deleted";
    rc = 0;
    for (size_t i = 0; i < cnt; i++) {
        rd_kafka_resp_err_t terr = rd_kafka_topic_result_error(res[i]);
        if (!terr) continue;
        if (create && terr == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS && o->if_not_exists) {
            note = "exists";
            continue;
        }
        if (!create && terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && o->if_exists) {
            note = "absent";
            continue;
        }
        errf("ERROR: %s '%s' failed: %s: %s", create ? "CreateTopics" : "DeleteTopics", rd_kafka_topic_result_name(res[i]),
             rd_kafka_err2name(terr), rd_kafka_topic_result_error_string(res[i]) ? rd_kafka_topic_result_error_string(res[i]) : "");
        rc = admin_err_is_unsupported(terr) ? EXIT_UNSUPPORTED : EXIT_FAIL;
    }
    rd_kafka_event_destroy(ev);
    if (rc == 0 && cnt == 0) {
        errf("ERROR: broker returned an empty %s result", create ? "CreateTopics" : "DeleteTopics");
        rc = EXIT_FAIL;
    }
    int nparts = -1;
    if (rc == 0 && create) {
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
        nparts = wait_topic_metadata(rk, rkt, o, 1);
        rd_kafka_topic_destroy(rkt);
        if (nparts < 0) rc = EXIT_FAIL;
    }
    if (rc == 0) {
        printf("RESULT %s topic=%s status=%s partitions=%d secs=%.3f\n", o->mode_name, o->topic, note, nparts,
               (double)(now_ns() - t0) / 1e9);
        fflush(stdout);
    }
out:
    if (nt) rd_kafka_NewTopic_destroy(nt);
    if (dt) rd_kafka_DeleteTopic_destroy(dt);
    rd_kafka_AdminOptions_destroy(ao);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return rc;
}

/* ---- metadata (reachability check) ---- */
static int run_metadata(const opts_t *o) {
    rd_kafka_t *rk = make_client(o, RD_KAFKA_PRODUCER);
    if (!rk) return EXIT_FAIL;
    int64_t t0 = now_ns(), deadline = t0 + o->timeout_sec * 1000000000LL;
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_metadata(rk, 1, NULL, &md, 1000)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_poll(rk, 0);
        if (atomic_load(&g_stop) || now_ns() >= deadline) {
            char le[512];
            last_error(le, sizeof le);
            errf("ERROR: no metadata from %s within %lds: %s (last librdkafka error: %s)", o->brokers, o->timeout_sec,
                 rd_kafka_err2str(err), le);
            rd_kafka_destroy(rk);
            return EXIT_FAIL;
        }
        usleep(100000);
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    int32_t controller = rd_kafka_controllerid(rk, 2000);
    printf("RESULT metadata brokers=%d controller=%d topics=%d secs=%.3f", md->broker_cnt, controller, md->topic_cnt, secs);
    for (int i = 0; i < md->broker_cnt; i++)
        printf(" broker.%d=%s:%d", md->brokers[i].id, md->brokers[i].host, md->brokers[i].port);
    printf("\n");
    fflush(stdout);
    int known = 0;
    for (int i = 0; i < md->broker_cnt; i++) known |= md->brokers[i].id == controller;
    if (!known)
        errf("note: the controller id (%d) is not one of the brokers listed: CreateTopics/DeleteTopics will wait "
             "for it and time out", (int)controller);
    rd_kafka_metadata_destroy(md);
    rd_kafka_destroy(rk);
    return 0;
}

/* ---- mock cluster (self-test of the harness) ---- */
static int run_mock(const opts_t *o) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[512];
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        errf("failed to create librdkafka handle: %s", errstr);
        return EXIT_FAIL;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 1);
    if (!mc) {
        errf("failed to create the mock cluster");
        rd_kafka_destroy(rk);
        return EXIT_FAIL;
    }
    if (o->topic) {
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, o->topic, (int)o->partitions, 1);
        if (err) errf("mock: creating topic '%s' failed: %s", o->topic, rd_kafka_err2str(err));
    }
    printf("mock Kafka cluster (librdkafka %s) ready: kafka=%s\n", rd_kafka_version_str(), rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);
    while (!atomic_load(&g_stop)) usleep(100000);
    errf("mock: stopping");
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}

int main(int argc, char **argv) {
    opts_t o;
    int rc = parse_opts(argc, argv, &o);
    if (rc) return rc;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    switch (o.mode) {
    case MODE_PRODUCE: rc = run_produce(&o); break;
    case MODE_CONSUME: rc = run_consume(&o); break;
    case MODE_LATENCY: rc = run_latency(&o); break;
    case MODE_CREATE: rc = run_admin(&o, 1); break;
    case MODE_DELETE: rc = run_admin(&o, 0); break;
    case MODE_METADATA: rc = run_metadata(&o); break;
    case MODE_MOCK: rc = run_mock(&o); break;
    }
    free(o.props);
    if (rc && o.mode != MODE_MOCK) errf("%s FAILED (exit %d)", o.mode_name, rc);
    return rc;
}
