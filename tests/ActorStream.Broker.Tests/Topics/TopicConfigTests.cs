using ActorStream.Broker.Topics;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Tests.Topics;

public sealed class TopicConfigTests
{

    [Fact]
    public void Empty_has_no_overrides_and_resolves_to_the_broker_defaults()
    {
        var defaults = BrokerDefaults.Kafka with { NumPartitions = 4, LogRetentionMs = 1000 };

        Assert.Empty(TopicConfig.Empty.Overrides);
        Assert.Equal(defaults.TopicDefaults(), TopicConfig.Empty.Resolve(defaults));
        Assert.Equal(1000, TopicConfig.Empty.ToLogConfig(defaults).RetentionMs);
    }

    [Fact]
    public void Compression_type_takes_Kafkas_names_and_refuses_others()
    {
        Assert.Equal("zstd", TopicConfig.Empty.With("compression.type", " zstd ").Overrides["compression.type"]);
        Assert.Equal("producer", TopicConfig.Empty.Describe(BrokerDefaults.Kafka, ["compression.type"])[0].Value);
        var error = Assert.Throws<InvalidConfigException>(() => TopicConfig.Empty.With("compression.type", "brotli"));
        Assert.Contains("uncompressed, zstd, lz4, snappy, gzip, producer", error.Message, StringComparison.Ordinal);
        Assert.Equal(ActorStream.Records.CompressionType.Lz4, TopicConfig.Empty.With("compression.type", "lz4").Resolve(BrokerDefaults.Kafka).Compression);
        Assert.Null(TopicConfig.Empty.Resolve(BrokerDefaults.Kafka).Compression);
    }

    [Fact]
    public void Supported_names_are_Kafkas()
    {
        Assert.Equal(
            [
                "cleanup.policy", "compression.type", "delete.retention.ms", "flush.messages", "flush.ms", "index.interval.bytes",
                "max.compaction.lag.ms", "max.message.bytes", "message.timestamp.after.max.ms", "message.timestamp.before.max.ms",
                "message.timestamp.type", "min.cleanable.dirty.ratio", "min.compaction.lag.ms", "min.insync.replicas",
                "retention.bytes", "retention.ms", "segment.bytes", "segment.index.bytes", "segment.ms",
            ],
            TopicConfig.SupportedNames);
        Assert.True(TopicConfig.IsSupported("retention.ms"));
        Assert.False(TopicConfig.IsSupported("log.retention.ms"));
        Assert.Equal(ConfigType.List, TopicConfig.TypeOf("cleanup.policy"));
        Assert.Equal(ConfigType.Long, TopicConfig.TypeOf("retention.ms"));
        Assert.Equal(ConfigType.Int, TopicConfig.TypeOf("segment.bytes"));
        Assert.Equal(ConfigType.Double, TopicConfig.TypeOf("min.cleanable.dirty.ratio"));
        Assert.Equal(ConfigType.String, TopicConfig.TypeOf("message.timestamp.type"));
    }

    [Fact]
    public void With_sets_normalizes_and_removes()
    {
        var config = TopicConfig.Empty
            .With("retention.ms", " 1000 ")
            .With("cleanup.policy", "delete , compact")
            .With("min.cleanable.dirty.ratio", "1");

        Assert.Equal("1000", config.Overrides["retention.ms"]);
        Assert.Equal("delete,compact", config.Overrides["cleanup.policy"]);
        Assert.Equal("1.0", config.Overrides["min.cleanable.dirty.ratio"]);

        var removed = config.With("retention.ms", null);
        Assert.False(removed.Overrides.ContainsKey("retention.ms"));
        Assert.Equal(2, removed.Overrides.Count);
        Assert.Same(removed, removed.With("retention.ms", null));
        Assert.True(config.Overrides.ContainsKey("retention.ms"));
    }

    [Fact]
    public void Equal_meaning_is_equal()
    {
        var a = TopicConfig.Empty.With("retention.ms", "1000").With("segment.ms", "+5");
        var b = TopicConfig.Empty.With("segment.ms", "5").With("retention.ms", "1000 ");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, TopicConfig.Empty);
        Assert.Equal("{retention.ms=1000, segment.ms=5}", a.ToString());
    }

    [Theory]
    [InlineData("retention.ms", "-1")]
    [InlineData("retention.ms", "0")]
    [InlineData("retention.bytes", "-1")]
    [InlineData("retention.bytes", "9223372036854775807")]
    [InlineData("segment.bytes", "14")]
    [InlineData("segment.ms", "1")]
    [InlineData("segment.index.bytes", "12")]
    [InlineData("index.interval.bytes", "0")]
    [InlineData("cleanup.policy", "compact")]
    [InlineData("cleanup.policy", "compact,delete")]
    [InlineData("min.insync.replicas", "1")]
    [InlineData("max.message.bytes", "0")]
    [InlineData("message.timestamp.type", "LogAppendTime")]
    [InlineData("delete.retention.ms", "0")]
    [InlineData("min.cleanable.dirty.ratio", "0.0")]
    [InlineData("min.cleanable.dirty.ratio", "0.01")]
    [InlineData("flush.messages", "1")]
    [InlineData("flush.ms", "0")]
    public void Valid_values_are_accepted(string name, string value)
    {
        Assert.Equal(value, TopicConfig.Validate(name, value));
    }

    [Theory]
    [InlineData("retention.ms", "-5", "Invalid value -5 for configuration retention.ms: Value must be at least -1")]
    [InlineData("retention.ms", "1h", "Invalid value 1h for configuration retention.ms: Not a number of type LONG")]
    [InlineData("retention.ms", "", "Invalid value  for configuration retention.ms: Not a number of type LONG")]
    [InlineData("retention.bytes", "-2", "Invalid value -2 for configuration retention.bytes: Value must be at least -1")]
    [InlineData("segment.bytes", "13", "Invalid value 13 for configuration segment.bytes: Value must be at least 14")]
    [InlineData("segment.bytes", "3000000000", "Invalid value 3000000000 for configuration segment.bytes: Not a number of type INT")]
    [InlineData("segment.ms", "0", "Invalid value 0 for configuration segment.ms: Value must be at least 1")]
    [InlineData("segment.index.bytes", "11", "Invalid value 11 for configuration segment.index.bytes: Value must be at least 12")]
    [InlineData("index.interval.bytes", "-1", "Invalid value -1 for configuration index.interval.bytes: Value must be at least 0")]
    [InlineData("cleanup.policy", "archive", "Invalid value archive for configuration cleanup.policy: String must be one of: compact, delete")]
    [InlineData("cleanup.policy", "Compact", "Invalid value Compact for configuration cleanup.policy: String must be one of: compact, delete")]
    [InlineData("cleanup.policy", "compact,", "Invalid value compact, for configuration cleanup.policy: String must be one of: compact, delete")]
    [InlineData("cleanup.policy", " ", "Invalid value   for configuration cleanup.policy: must be delete, compact or both")]
    [InlineData("min.insync.replicas", "0", "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1")]
    [InlineData("max.message.bytes", "-1", "Invalid value -1 for configuration max.message.bytes: Value must be at least 0")]
    [InlineData("message.timestamp.type", "createtime", "Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime")]
    [InlineData("delete.retention.ms", "-1", "Invalid value -1 for configuration delete.retention.ms: Value must be at least 0")]
    [InlineData("min.cleanable.dirty.ratio", "1.5", "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1.0")]
    [InlineData("min.cleanable.dirty.ratio", "-0.1", "Invalid value -0.1 for configuration min.cleanable.dirty.ratio: Value must be at least 0.0")]
    [InlineData("min.cleanable.dirty.ratio", "NaN", "Invalid value NaN for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE")]
    [InlineData("flush.messages", "0", "Invalid value 0 for configuration flush.messages: Value must be at least 1")]
    [InlineData("flush.ms", "-1", "Invalid value -1 for configuration flush.ms: Value must be at least 0")]
    public void Invalid_values_are_rejected_naming_the_key(string name, string value, string message)
    {
        var ex = Assert.Throws<InvalidConfigException>(() => TopicConfig.Validate(name, value));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(name, ex.ConfigName);
        Assert.Equal(InvalidConfigException.InvalidConfig, ex.ErrorCode);
        Assert.Throws<InvalidConfigException>(() => TopicConfig.Empty.With(name, value));
        Assert.False(TopicConfig.TryValidate(name, value, out _, out var error));
        Assert.Equal(ex.Message, error!.Message);
    }

    [Fact]
    public void Unknown_names_are_rejected()
    {
        var ex = Assert.Throws<InvalidConfigException>(() => TopicConfig.Validate("foo", "1"));

        Assert.Equal("Unknown topic config name: foo", ex.Message);
        Assert.Equal("foo", ex.ConfigName);
        Assert.Equal(InvalidConfigException.InvalidConfig, ex.ErrorCode);
        Assert.Throws<InvalidConfigException>(() => TopicConfig.Empty.With("foo", null));
        Assert.Throws<InvalidConfigException>(() => TopicConfig.Empty.With("log.retention.ms", "1"));
    }

    [Fact]
    public void Create_takes_the_last_of_repeated_names_and_rejects_null_values()
    {
        var config = TopicConfig.Create([new("retention.ms", "1"), new("retention.ms", "2"), new("cleanup.policy", "compact")]);

        Assert.Equal("2", config.Overrides["retention.ms"]);
        Assert.Equal(CleanupPolicy.Compact, config.CleanupPolicy(BrokerDefaults.Kafka));

        var ex = Assert.Throws<InvalidConfigException>(() => TopicConfig.Create([new("retention.ms", null)]));
        Assert.Contains("retention.ms", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidConfigException>(() => TopicConfig.Create([new("segment.ms", "0")]));
    }

    [Fact]
    public void ToLogConfig_maps_every_field_from_overrides()
    {
        var config = TopicConfig.Create(
        [
            new("segment.bytes", "1000"),
            new("segment.ms", "2000"),
            new("index.interval.bytes", "300"),
            new("segment.index.bytes", "4000"),
            new("flush.messages", "5"),
            new("flush.ms", "600"),
            new("retention.ms", "-1"),
            new("retention.bytes", "8000"),
            new("cleanup.policy", "compact,delete"),
            new("delete.retention.ms", "900"),
            new("min.cleanable.dirty.ratio", "0.75"),
            new("max.message.bytes", "1100"),
        ]);

        var log = config.ToLogConfig(BrokerDefaults.Kafka);

        Assert.Equal(
            new LogConfig
            {
                SegmentBytes = 1000,
                SegmentMs = 2000,
                IndexIntervalBytes = 300,
                MaxIndexSize = 4000,
                FlushMessages = 5,
                FlushMs = 600,
                RetentionMs = -1,
                RetentionBytes = 8000,
                CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete,
                DeleteRetentionMs = 900,
                MinCleanableDirtyRatio = 0.75,
                MaxMessageBytes = 1100,
            },
            log);
        log.Validate();
    }

    [Fact]
    public void ToLogConfig_maps_every_field_from_broker_defaults()
    {
        var defaults = new BrokerDefaults
        {
            LogSegmentBytes = 1000,
            LogRollMs = 2000,
            LogIndexIntervalBytes = 300,
            LogIndexSizeMaxBytes = 4000,
            LogFlushIntervalMessages = 5,
            LogFlushIntervalMs = 600,
            LogRetentionMs = 700,
            LogRetentionBytes = 8000,
            LogCleanupPolicy = CleanupPolicy.Compact,
            LogCleanerDeleteRetentionMs = 900,
            LogCleanerMinCleanableRatio = 0.75,
            MessageMaxBytes = 1100,
        };

        Assert.Equal(
            new LogConfig
            {
                SegmentBytes = 1000,
                SegmentMs = 2000,
                IndexIntervalBytes = 300,
                MaxIndexSize = 4000,
                FlushMessages = 5,
                FlushMs = 600,
                RetentionMs = 700,
                RetentionBytes = 8000,
                CleanupPolicy = CleanupPolicy.Compact,
                DeleteRetentionMs = 900,
                MinCleanableDirtyRatio = 0.75,
                MaxMessageBytes = 1100,
            },
            TopicConfig.Empty.ToLogConfig(defaults));
    }

    [Fact]
    public void Typed_effective_values_prefer_the_override()
    {
        var defaults = BrokerDefaults.Kafka with
        {
            MinInsyncReplicas = 2,
            MessageMaxBytes = 5000,
            LogMessageTimestampType = TimestampType.LogAppendTime,
        };
        var config = TopicConfig.Empty.With("min.insync.replicas", "3");

        Assert.Equal(3, config.MinInsyncReplicas(defaults));
        Assert.Equal(5000, config.MaxMessageBytes(defaults));
        Assert.Equal(TimestampType.LogAppendTime, config.MessageTimestampType(defaults));
        Assert.Equal(TimestampType.CreateTime, config.With("message.timestamp.type", "CreateTime").MessageTimestampType(defaults));
        Assert.Equal(100, config.With("max.message.bytes", "100").MaxMessageBytes(defaults));
    }
}
