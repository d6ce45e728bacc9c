using System.Text.Json;
using ActorStream.Broker.Topics;
using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Broker.Tests.Topics;

public sealed class TopicConfigIncrementalAndJsonTests
{
    private const byte Set = (byte)AlterConfigOp.Set;
    private const byte Delete = (byte)AlterConfigOp.Delete;
    private const byte Append = (byte)AlterConfigOp.Append;
    private const byte Subtract = (byte)AlterConfigOp.Subtract;

    private static readonly TopicConfig Start = TopicConfig.Empty.With("retention.ms", "1000").With("segment.ms", "2000");

    [Fact]
    public void Op_numbers_are_Kafkas()
    {
        Assert.Equal([0, 1, 2, 3], new[] { Set, Delete, Append, Subtract }.Select(b => (int)b));
    }

    [Fact]
    public void Set_and_delete()
    {
        var result = Start.ApplyIncremental([("retention.ms", Set, "5000"), ("segment.ms", Delete, null), ("flush.ms", Delete, null)]);

        Assert.Equal(new Dictionary<string, string> { ["retention.ms"] = "5000" }, result.Overrides);
    }

    [Fact]
    public void Nothing_changed_gives_the_same_instance()
    {
        Assert.Same(Start, Start.ApplyIncremental([("retention.ms", Set, "1000"), ("flush.ms", Delete, null)]));
        Assert.Same(Start, Start.ApplyIncremental([]));
    }

    [Fact]
    public void Append_starts_from_the_broker_default_and_skips_present_elements()
    {
        var compacting = BrokerDefaults.Kafka with { LogCleanupPolicy = CleanupPolicy.Compact };

        var fromKafkaDefault = TopicConfig.Empty.ApplyIncremental([("cleanup.policy", Append, "compact")]);
        var fromBrokerDefault = TopicConfig.Empty.ApplyIncremental([("cleanup.policy", Append, "delete")], compacting);
        var already = TopicConfig.Empty.ApplyIncremental([("cleanup.policy", Append, "delete")]);

        Assert.Equal("delete,compact", fromKafkaDefault.Overrides["cleanup.policy"]);
        Assert.Equal("compact,delete", fromBrokerDefault.Overrides["cleanup.policy"]);
        Assert.Equal("delete", already.Overrides["cleanup.policy"]);
        Assert.Equal(CleanupPolicy.Compact | CleanupPolicy.Delete, fromKafkaDefault.CleanupPolicy(BrokerDefaults.Kafka));
    }

    [Fact]
    public void Subtract_removes_elements_of_the_current_value()
    {
        var both = TopicConfig.Empty.With("cleanup.policy", "compact,delete");

        var result = both.ApplyIncremental([("cleanup.policy", Subtract, "delete")]);

        Assert.Equal("compact", result.Overrides["cleanup.policy"]);
        Assert.Equal("compact", both.ApplyIncremental([("cleanup.policy", Subtract, "delete,delete")]).Overrides["cleanup.policy"]);
    }

    [Fact]
    public void Subtracting_every_element_is_invalid()
    {
        var ex = Assert.Throws<InvalidConfigException>(() => TopicConfig.Empty.ApplyIncremental([("cleanup.policy", Subtract, "delete")]));

        Assert.Equal("cleanup.policy", ex.ConfigName);
        Assert.Equal(InvalidConfigException.InvalidConfig, ex.ErrorCode);
    }

    [Fact]
    public void Appending_an_invalid_element_is_invalid()
    {
        var ex = Assert.Throws<InvalidConfigException>(() => TopicConfig.Empty.ApplyIncremental([("cleanup.policy", Append, "archive")]));

        Assert.Contains("cleanup.policy", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Append)]
    [InlineData(Subtract)]
    public void Append_and_subtract_need_a_list_config(byte op)
    {
        var ex = Assert.Throws<InvalidConfigException>(() => Start.ApplyIncremental([("retention.ms", op, "5")]));

        Assert.Equal(InvalidConfigException.InvalidRequest, ex.ErrorCode);
        Assert.Contains("retention.ms", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_operations_change_nothing()
    {
        // The valid first operation must not survive the invalid second one.
        var badValue = Assert.Throws<InvalidConfigException>(() => Start.ApplyIncremental([("retention.ms", Set, "5"), ("segment.ms", Set, "0")]));
        Assert.Equal("Invalid value 0 for configuration segment.ms: Value must be at least 1", badValue.Message);

        var unknown = Assert.Throws<InvalidConfigException>(() => Start.ApplyIncremental([("retention.ms", Set, "5"), ("bogus", Delete, null)]));
        Assert.Equal("Unknown topic config name: bogus", unknown.Message);

        var nullSet = Assert.Throws<InvalidConfigException>(() => Start.ApplyIncremental([("retention.ms", Set, null)]));
        Assert.Equal("retention.ms", nullSet.ConfigName);

        var badOp = Assert.Throws<InvalidConfigException>(() => Start.ApplyIncremental([("retention.ms", 9, "5")]));
        Assert.Equal(InvalidConfigException.InvalidRequest, badOp.ErrorCode);

        var duplicate = Assert.Throws<InvalidConfigException>(() => Start.ApplyIncremental([("retention.ms", Set, "5"), ("retention.ms", Delete, null)]));
        Assert.Equal(InvalidConfigException.InvalidRequest, duplicate.ErrorCode);
        Assert.Equal("retention.ms", duplicate.ConfigName);

        Assert.Equal("1000", Start.Overrides["retention.ms"]);
        Assert.Equal("2000", Start.Overrides["segment.ms"]);
    }

    [Fact]
    public void Json_round_trips_as_a_dictionary()
    {
        var config = TopicConfig.Empty.With("retention.ms", "1000").With("cleanup.policy", "delete,compact").With("min.cleanable.dirty.ratio", "0.1");

        var json = JsonSerializer.Serialize(config);
        var back = JsonSerializer.Deserialize<TopicConfig>(json);

        Assert.Equal("""{"Overrides":{"cleanup.policy":"delete,compact","min.cleanable.dirty.ratio":"0.1","retention.ms":"1000"}}""", json);
        Assert.Equal(config, back);
        Assert.Equal(TopicConfig.Empty, JsonSerializer.Deserialize<TopicConfig>(JsonSerializer.Serialize(TopicConfig.Empty)));
    }

    private sealed record TopicCreated(string Name, int Partitions, TopicConfig Config);

    [Fact]
    public void Json_round_trips_inside_an_event_with_camel_case()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var created = new TopicCreated("orders", 3, TopicConfig.Empty.With("segment.bytes", "1048576"));

        var back = JsonSerializer.Deserialize<TopicCreated>(JsonSerializer.Serialize(created, options), options);

        Assert.Equal(created, back);
    }

    [Fact]
    public void Json_is_validated_and_normalized_when_read()
    {
        Assert.Equal("5", JsonSerializer.Deserialize<TopicConfig>("""{"Overrides":{"segment.ms":" 5"}}""")!.Overrides["segment.ms"]);
        Assert.Equal(TopicConfig.Empty, JsonSerializer.Deserialize<TopicConfig>("""{"Overrides":null}"""));
        Assert.Throws<InvalidConfigException>(() => JsonSerializer.Deserialize<TopicConfig>("""{"Overrides":{"segment.ms":"0"}}"""));
    }
}
