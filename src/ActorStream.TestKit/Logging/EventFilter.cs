using Microsoft.Extensions.Logging;
using Xunit.Sdk;

namespace ActorStream.TestKit.Logging;

/// <summary>
/// Asserts on what the actor system logs while a block runs, e.g.
/// <c>EventFilter.Error&lt;InvalidOperationException&gt;().ExpectOne(() => actor.Tell("boom", null));</c>
/// </summary>
public sealed class EventFilterFactory(TestKitBase kit)
{
    public EventFilter Error(string? contains = null) => new(kit, LogLevel.Error, null, contains);

    public EventFilter Error<TException>(string? contains = null)
        where TException : Exception => new(kit, LogLevel.Error, typeof(TException), contains);

    public EventFilter Warning(string? contains = null) => new(kit, LogLevel.Warning, null, contains);

    public EventFilter Info(string? contains = null) => new(kit, LogLevel.Information, null, contains);

    public EventFilter Debug(string? contains = null) => new(kit, LogLevel.Debug, null, contains);
}

public sealed class EventFilter(TestKitBase kit, LogLevel level, Type? exceptionType, string? contains)
{
    public bool Matches(LogEntry entry) =>
        entry.Level == level
        && (exceptionType is null || exceptionType.IsInstanceOfType(entry.Exception))
        && (contains is null || entry.Message.Contains(contains, StringComparison.Ordinal)
            || (entry.Exception?.Message.Contains(contains, StringComparison.Ordinal) ?? false));

    public void ExpectOne(Action action) => Expect(1, action);

    /// <summary>Runs <paramref name="action"/> and waits until exactly <paramref name="count"/> matching entries were logged.</summary>
    public void Expect(int count, Action action, TimeSpan? timeout = null)
    {
        var before = kit.LogEntries.Count;
        action();
        var seen = 0;
        var reached = kit.WaitUntil(() => (seen = CountSince(before)) >= count, timeout);
        if (reached)
        {
            // Let what the block set off finish, so that a surplus entry is seen rather than missed.
            kit.Settle();
            seen = CountSince(before);
        }

        if (!reached || seen != count)
        {
            throw new XunitException(
                $"Expected {count} {level} log entr{(count == 1 ? "y" : "ies")}{Describe()} but saw {seen}. Logged meanwhile:{Environment.NewLine}" +
                string.Join(Environment.NewLine, kit.LogEntries.Entries.Skip(before).Select(e => $"  [{e.Level}] {e.Message}")));
        }
    }

    private int CountSince(int before) => kit.LogEntries.Entries.Skip(before).Count(Matches);

    private string Describe() =>
        (exceptionType is null ? "" : $" with {exceptionType.Name}") + (contains is null ? "" : $" containing \"{contains}\"");
}
