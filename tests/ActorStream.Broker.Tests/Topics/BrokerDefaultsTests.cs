using ActorStream.Broker.Topics;
using ActorStream.Hocon;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Tests.Topics;

public sealed class BrokerDefaultsTests
{
    private static BrokerDefaults Parse(string hocon) =>
        BrokerDefaults.FromConfig(ConfigFactory.ParseString(hocon).GetConfig("actorstream.broker"));

    private static Config Reference() =>
        ConfigFactory.FromResource(typeof(BrokerDefaults).Assembly, "ActorStream.Broker.reference.conf");

    [Fact]
    public void Empty_config_gives_Kafka_defaults()
    {
        var defaults = BrokerDefaults.FromConfig(ConfigFactory.Empty);

        Assert.Equal(BrokerDefaults.Kafka, defaults);
        Assert.True(defaults.AutoCreateTopicsEnable);
        Assert.Equal(1, defaults.NumPartitions);
        Assert.Equal((short)1, defaults.DefaultReplicationFactor);
        Assert.Equal(604_800_000L, defaults.LogRetentionMs);
        Assert.Equal(-1L, defaults.LogRetentionBytes);
        Assert.Equal(1_073_741_824, defaults.LogSegmentBytes);
        Assert.Equal(604_800_000L, defaults.LogRollMs);
        Assert.Equal(CleanupPolicy.Delete, defaults.LogCleanupPolicy);
        Assert.Equal(1, defaults.MinInsyncReplicas);
        Assert.Equal(1_048_588, defaults.MessageMaxBytes);
        Assert.Equal(TimestampType.CreateTime, defaults.LogMessageTimestampType);
        Assert.Equal(86_400_000L, defaults.LogCleanerDeleteRetentionMs);
        Assert.Equal(0.5, defaults.LogCleanerMinCleanableRatio);
        Assert.Equal(0L, defaults.LogCleanerMinCompactionLagMs);
        Assert.Equal(long.MaxValue, defaults.LogCleanerMaxCompactionLagMs);
        Assert.Equal(long.MaxValue, defaults.LogFlushIntervalMessages);
        Assert.Equal(long.MaxValue, defaults.LogFlushIntervalMs);
        Assert.Equal(4096, defaults.LogIndexIntervalBytes);
        Assert.Equal(10_485_760, defaults.LogIndexSizeMaxBytes);
    }

    [Fact]
    public void Reference_conf_states_Kafka_defaults()
    {
        var defaults = BrokerDefaults.FromConfig(Reference().GetConfig("actorstream.broker"));

        Assert.Equal(BrokerDefaults.Kafka, defaults);
    }

    [Fact]
    public void Kafka_defaults_make_the_segment_logs_defaults()
    {
        Assert.Equal(LogConfig.Default, BrokerDefaults.Kafka.TopicDefaults().ToLogConfig());
    }

    [Fact]
    public void Compaction_lags_come_from_hocon_and_topic_overrides_into_the_segment_log()
    {
        var defaults = Parse("actorstream.broker { log-cleaner-min-compaction-lag = 1 minute, log-cleaner-max-compaction-lag = 2 hours }");
        Assert.Equal(60_000L, defaults.LogCleanerMinCompactionLagMs);
        Assert.Equal(7_200_000L, defaults.LogCleanerMaxCompactionLagMs);
        Assert.Equal(long.MaxValue, Parse("actorstream.broker.log-cleaner-max-compaction-lag = infinite").LogCleanerMaxCompactionLagMs);

        var log = TopicConfig.Empty.With("min.compaction.lag.ms", "5000").With("max.compaction.lag.ms", "90000").ToLogConfig(defaults);
        Assert.Equal(5000L, log.MinCompactionLagMs);
        Assert.Equal(90_000L, log.MaxCompactionLagMs);
        Assert.Equal(7_200_000L, TopicConfig.Empty.ToLogConfig(defaults).MaxCompactionLagMs);
        Assert.Throws<InvalidConfigException>(() => TopicConfig.Empty.With("max.compaction.lag.ms", "0"));
        Assert.Throws<InvalidConfigException>(() => TopicConfig.Empty.With("min.compaction.lag.ms", "-1"));
    }

    [Fact]
    public void Hocon_overrides_are_read_in_their_units()
    {
        var defaults = Parse("""
            actorstream.broker {
              auto-create-topics-enable = off
              num-partitions = 6
              default-replication-factor = 3
              log-retention = 2 hours
              log-retention-bytes = 5 GiB
              log-segment-bytes = 64 MiB
              log-roll = 30 minutes
              log-cleanup-policy = "compact,delete"
              min-insync-replicas = 2
              message-max-bytes = 2 MiB
              log-message-timestamp-type = LogAppendTime
              log-cleaner-delete-retention = 12h
              log-cleaner-min-cleanable-ratio = 0.25
              log-flush-interval-messages = 1000
              log-flush-interval = 500ms
              log-index-interval-bytes = 8 KiB
              log-index-size-max-bytes = 1 MiB
            }
            """);

        Assert.Equal(
            new BrokerDefaults
            {
                AutoCreateTopicsEnable = false,
                NumPartitions = 6,
                DefaultReplicationFactor = 3,
                LogRetentionMs = 7_200_000,
                LogRetentionBytes = 5L * 1024 * 1024 * 1024,
                LogSegmentBytes = 64 * 1024 * 1024,
                LogRollMs = 1_800_000,
                LogCleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete,
                MinInsyncReplicas = 2,
                MessageMaxBytes = 2 * 1024 * 1024,
                LogMessageTimestampType = TimestampType.LogAppendTime,
                LogCleanerDeleteRetentionMs = 43_200_000,
                LogCleanerMinCleanableRatio = 0.25,
                LogFlushIntervalMessages = 1000,
                LogFlushIntervalMs = 500,
                LogIndexIntervalBytes = 8192,
                LogIndexSizeMaxBytes = 1024 * 1024,
            },
            defaults);
    }

    [Fact]
    public void Application_config_over_reference_overrides_only_what_it_sets()
    {
        var config = ConfigFactory.ParseString("actorstream.broker.num-partitions = 3").WithFallback(Reference());

        var defaults = BrokerDefaults.FromConfig(config.GetConfig("actorstream.broker"));

        Assert.Equal(BrokerDefaults.Kafka with { NumPartitions = 3 }, defaults);
    }

    [Theory]
    [InlineData("log-retention = infinite", -1L)]
    [InlineData("log-retention = -1", -1L)]
    [InlineData("log-retention = 0", 0L)]
    public void Retention_may_be_infinite(string line, long expectedMs)
    {
        Assert.Equal(expectedMs, Parse("actorstream.broker { " + line + " }").LogRetentionMs);
    }

    [Theory]
    [InlineData("unlimited", -1L)]
    [InlineData("-1", -1L)]
    [InlineData("0", 0L)]
    [InlineData("1k", 1024L)]
    public void Retention_bytes_may_be_unlimited(string value, long expected)
    {
        Assert.Equal(expected, Parse($"actorstream.broker.log-retention-bytes = {value}").LogRetentionBytes);
    }

    [Theory]
    [InlineData("delete", CleanupPolicy.Delete)]
    [InlineData("compact", CleanupPolicy.Compact)]
    [InlineData("\"compact,delete\"", CleanupPolicy.Compact | CleanupPolicy.Delete)]
    [InlineData("\"delete, compact\"", CleanupPolicy.Compact | CleanupPolicy.Delete)]
    public void Cleanup_policy_forms(string value, CleanupPolicy expected)
    {
        Assert.Equal(expected, Parse($"actorstream.broker.log-cleanup-policy = {value}").LogCleanupPolicy);
    }

    [Fact]
    public void Flush_settings_none_and_null_mean_off()
    {
        var defaults = Parse("actorstream.broker { log-flush-interval-messages = none, log-flush-interval = null }");

        Assert.Equal(long.MaxValue, defaults.LogFlushIntervalMessages);
        Assert.Equal(long.MaxValue, defaults.LogFlushIntervalMs);
    }

    [Theory]
    [InlineData("num-partitions = 0", "num-partitions", "at least 1")]
    [InlineData("num-partitions = many", "num-partitions", "an int")]
    [InlineData("default-replication-factor = 0", "default-replication-factor", "from 1 to 32767")]
    [InlineData("default-replication-factor = 40000", "default-replication-factor", "from 1 to 32767")]
    [InlineData("auto-create-topics-enable = maybe", "auto-create-topics-enable", "a boolean")]
    [InlineData("log-retention = -5ms", "log-retention", "at least -1ms or infinite")]
    [InlineData("log-retention = forever", "log-retention", "a duration")]
    [InlineData("log-retention-bytes = -2", "log-retention-bytes", "at least -1 bytes or unlimited")]
    [InlineData("log-retention-bytes = lots", "log-retention-bytes", "a size in bytes")]
    [InlineData("log-segment-bytes = 13", "log-segment-bytes", "from 14 to 2147483647")]
    [InlineData("log-segment-bytes = 4 GiB", "log-segment-bytes", "from 14 to 2147483647")]
    [InlineData("log-roll = 0s", "log-roll", "at least 1ms")]
    [InlineData("log-cleanup-policy = archive", "log-cleanup-policy", "delete, compact or \"compact,delete\"")]
    [InlineData("log-cleanup-policy = \"compact,\"", "log-cleanup-policy", "delete, compact or \"compact,delete\"")]
    [InlineData("log-cleanup-policy = \"\"", "log-cleanup-policy", "delete, compact or \"compact,delete\"")]
    [InlineData("log-cleanup-policy = [compact]", "log-cleanup-policy", "a string")]
    [InlineData("min-insync-replicas = 0", "min-insync-replicas", "at least 1")]
    [InlineData("message-max-bytes = -1", "message-max-bytes", "from 0 to 2147483647")]
    [InlineData("log-message-timestamp-type = createtime", "log-message-timestamp-type", "CreateTime or LogAppendTime")]
    [InlineData("log-cleaner-delete-retention = -1s", "log-cleaner-delete-retention", "at least 0ms")]
    [InlineData("log-cleaner-min-cleanable-ratio = 1.5", "log-cleaner-min-cleanable-ratio", "from 0.0 to 1.0")]
    [InlineData("log-cleaner-min-cleanable-ratio = half", "log-cleaner-min-cleanable-ratio", "a number")]
    [InlineData("log-flush-interval-messages = 0", "log-flush-interval-messages", "at least 1 or none")]
    [InlineData("log-flush-interval-messages = never", "log-flush-interval-messages", "a long")]
    [InlineData("log-flush-interval = -1ms", "log-flush-interval", "at least 0ms or none")]
    [InlineData("log-index-interval-bytes = -1", "log-index-interval-bytes", "from 0 to 2147483647")]
    [InlineData("log-index-size-max-bytes = 11", "log-index-size-max-bytes", "from 12 to 2147483647")]
    public void Invalid_values_name_the_full_key_and_the_expected_form(string line, string key, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse("actorstream.broker { " + line + " }"));

        Assert.Equal("actorstream.broker." + key, ex.Path);
        Assert.StartsWith("actorstream.broker." + key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Getter_errors_keep_the_file_and_line()
    {
        var config = ConfigFactory.ParseString("actorstream.broker {\n  num-partitions = many\n}", "app.conf");

        var ex = Assert.Throws<ConfigException>(() => BrokerDefaults.FromConfig(config.GetConfig("actorstream.broker")));

        Assert.Equal("app.conf:2", ex.Origin);
        Assert.Contains("app.conf:2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_name_keys_under_the_given_path()
    {
        var config = ConfigFactory.ParseString("brokers.a.num-partitions = 0");

        var ex = Assert.Throws<ConfigException>(() => BrokerDefaults.FromConfig(config.GetConfig("brokers.a"), "brokers.a"));

        Assert.Equal("brokers.a.num-partitions", ex.Path);
    }
}
