using ActorStream.Broker.Topics;
using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Broker.Tests.Topics;

public sealed class TopicConfigDescribeTests
{
    [Fact]
    public void Config_source_numbers_are_Kafkas()
    {
        Assert.Equal(0, (int)ConfigSource.Unknown);
        Assert.Equal(1, (int)ConfigSource.DynamicTopicConfig);
        Assert.Equal(2, (int)ConfigSource.DynamicBrokerConfig);
        Assert.Equal(3, (int)ConfigSource.DynamicDefaultBrokerConfig);
        Assert.Equal(4, (int)ConfigSource.StaticBrokerConfig);
        Assert.Equal(5, (int)ConfigSource.DefaultConfig);
        Assert.Equal(6, (int)ConfigSource.DynamicBrokerLoggerConfig);
        Assert.Equal(7, (int)ConfigType.List);
        Assert.Equal(5, (int)ConfigType.Long);
    }

    [Fact]
    public void Kafka_defaults_render_as_Kafka_renders_them()
    {
        var entries = TopicConfig.Empty.Describe(BrokerDefaults.Kafka).ToDictionary(e => e.Name);

        Assert.Equal(TopicConfig.SupportedNames, entries.Keys);
        Assert.All(entries.Values, e =>
        {
            Assert.Equal(ConfigSource.DefaultConfig, e.Source);
            Assert.True(e.IsDefault);
            Assert.False(e.ReadOnly);
            Assert.False(e.Sensitive);
        });
        Assert.Equal("delete", entries["cleanup.policy"].Value);
        Assert.Equal("86400000", entries["delete.retention.ms"].Value);
        Assert.Equal("9223372036854775807", entries["flush.messages"].Value);
        Assert.Equal("9223372036854775807", entries["flush.ms"].Value);
        Assert.Equal("4096", entries["index.interval.bytes"].Value);
        Assert.Equal("1048588", entries["max.message.bytes"].Value);
        Assert.Equal("CreateTime", entries["message.timestamp.type"].Value);
        Assert.Equal("0.5", entries["min.cleanable.dirty.ratio"].Value);
        Assert.Equal("1", entries["min.insync.replicas"].Value);
        Assert.Equal("-1", entries["retention.bytes"].Value);
        Assert.Equal("604800000", entries["retention.ms"].Value);
        Assert.Equal("1073741824", entries["segment.bytes"].Value);
        Assert.Equal("10485760", entries["segment.index.bytes"].Value);
        Assert.Equal("604800000", entries["segment.ms"].Value);
        Assert.Equal(ConfigType.List, entries["cleanup.policy"].Type);
    }

    [Fact]
    public void Sources_tell_topic_overrides_broker_settings_and_Kafka_defaults_apart()
    {
        var defaults = BrokerDefaults.Kafka with
        {
            LogRetentionMs = 3_600_000,
            LogCleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete,
            LogCleanerMinCleanableRatio = 1,
        };
        var config = TopicConfig.Empty.With("retention.ms", "1000").With("cleanup.policy", "delete,compact");

        var entries = config.Describe(defaults).ToDictionary(e => e.Name);

        Assert.Equal(new ConfigEntry("retention.ms", "1000", ConfigSource.DynamicTopicConfig, false, false, false) { Type = ConfigType.Long }, entries["retention.ms"]);
        Assert.Equal("delete,compact", entries["cleanup.policy"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, entries["cleanup.policy"].Source);
        Assert.Equal(new ConfigEntry("min.cleanable.dirty.ratio", "1.0", ConfigSource.StaticBrokerConfig, false, false, false) { Type = ConfigType.Double }, entries["min.cleanable.dirty.ratio"]);
        Assert.Equal(new ConfigEntry("segment.ms", "604800000", ConfigSource.DefaultConfig, true, false, false) { Type = ConfigType.Long }, entries["segment.ms"]);

        var broker = TopicConfig.Empty.Describe(defaults).ToDictionary(e => e.Name);
        Assert.Equal("3600000", broker["retention.ms"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, broker["retention.ms"].Source);
        Assert.Equal("compact,delete", broker["cleanup.policy"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, broker["cleanup.policy"].Source);
    }

    [Fact]
    public void Override_equal_to_the_default_is_still_a_topic_config()
    {
        var entry = TopicConfig.Empty.With("retention.ms", "604800000").Describe(BrokerDefaults.Kafka, ["retention.ms"]).Single();

        Assert.Equal(ConfigSource.DynamicTopicConfig, entry.Source);
        Assert.False(entry.IsDefault);
    }

    [Fact]
    public void Describe_can_be_limited_to_names_and_skips_unknown_ones()
    {
        var entries = TopicConfig.Empty.Describe(BrokerDefaults.Kafka, ["segment.ms", "nope", "cleanup.policy"]);

        Assert.Equal(["cleanup.policy", "segment.ms"], entries.Select(e => e.Name));
    }
}
