using ActorStream.Actors;
using Microsoft.Extensions.Logging;

namespace ActorStream.TestKit.Tests;

/// <summary>Logs of the actor system go to the ITestOutputHelper given to the kit.</summary>
public sealed class LoggingOutputTests
{
    [Fact]
    public void System_log_is_written_to_the_test_output()
    {
        var output = new RecordingOutput();
        using var kit = new TestKit(output);

        kit.Sys.Log.LogWarning("marker {Number}", 1234);

        Assert.Contains(output.Lines, l => l.Contains("marker 1234", StringComparison.Ordinal) && l.Contains("Warning", StringComparison.Ordinal));
        Assert.Contains(kit.LogEntries.Entries, e => e.Message == "marker 1234" && e.Level == LogLevel.Warning);
    }

    [Fact]
    public void Actor_log_is_written_to_the_test_output()
    {
        var output = new RecordingOutput();
        using var kit = new TestKit(output);
        var actor = kit.ActorOf(Props.Create(() => new LoggingActor()));

        actor.Tell("hello output", null);

        kit.AwaitCondition(() => output.Lines.Any(l => l.Contains("actor says hello output", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        Assert.Contains(output.Lines, l => l.Contains(typeof(LoggingActor).FullName!, StringComparison.Ordinal));
    }

    [Fact]
    public void Supervisor_error_is_written_to_the_test_output_with_the_exception()
    {
        var output = new RecordingOutput();
        using var kit = new TestKit(new DeterministicRuntime(seed: 1), output);
        var actor = kit.ActorOf(Props.Create(() => new ThrowingActor(kit.TestActor)));

        kit.EventFilter.Error<InvalidOperationException>().ExpectOne(() => actor.Tell("boom", null));

        var line = Assert.Single(output.Lines, l => l.StartsWith("[Error]", StringComparison.Ordinal));
        Assert.Contains("InvalidOperationException", line, StringComparison.Ordinal);
        Assert.Contains("boom requested", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Kit_without_output_still_records_log_entries()
    {
        using var kit = new TestKit();

        kit.Sys.Log.LogInformation("recorded only");

        Assert.Contains(kit.LogEntries.Entries, e => e.Message == "recorded only");
    }
}
