using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorStream.TestKit.Logging;

/// <summary>One logged event, as captured for <see cref="EventFilter"/>.</summary>
public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>
/// Routes an actor system's logs to the xunit test output (so a failing test shows what the actors said)
/// and keeps every entry for assertions.
/// </summary>
public sealed class TestLoggerFactory(ITestOutputHelper? output, LogLevel minimumLevel = LogLevel.Debug) : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly Lock _outputLock = new();
    private int _count;

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public int Count => Volatile.Read(ref _count);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The test logger factory writes to the test output only.");

    public void Dispose()
    {
    }

    private readonly List<(Func<LogEntry, bool> Predicate, TaskCompletionSource<LogEntry> Signal)> _waiters = [];

    /// <summary>Completes with the first entry (already logged or to come) that matches; fails after <paramref name="timeout"/>.</summary>
    public Task<LogEntry> WaitForAsync(Func<LogEntry, bool> predicate, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            var existing = _entries.FirstOrDefault(predicate);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((predicate, signal));
        }

        return signal.Task.WaitAsync(timeout);
    }

    private void Write(LogEntry entry)
    {
        lock (_waiters)
        {
            _entries.Enqueue(entry);
            foreach (var waiter in _waiters.Where(w => w.Predicate(entry)).ToList())
            {
                waiter.Signal.TrySetResult(entry);
                _waiters.Remove(waiter);
            }
        }

        Interlocked.Increment(ref _count);
        if (output is null)
        {
            return;
        }

        var text = $"[{entry.Level}] {entry.Category}: {entry.Message}" + (entry.Exception is null ? "" : Environment.NewLine + entry.Exception);
        lock (_outputLock)
        {
            try
            {
                output.WriteLine(text);
            }
            catch (InvalidOperationException)
            {
                // The test has already finished; xunit no longer accepts output for it.
            }
        }
    }

    private sealed class Logger(TestLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(new LogEntry(logLevel, category, formatter(state, exception), exception));
            }
        }
    }

    private readonly LogLevel _minimumLevel = minimumLevel;
}
