using ActorStream.Records;

namespace ActorStream.Persistence.Tests;

/// <summary>
/// The cases of Akka's persistence TCK journal spec, written for our contract. Every journal implementation
/// derives from this class and so runs all of them.
/// </summary>
public abstract class JournalSpec : IDisposable
{
    private const string Pid = "p-1";

    protected abstract IAsyncJournal Journal { get; }

    /// <summary>A payload this journal refuses (e.g. one it cannot serialize).</summary>
    protected abstract object RejectedPayload { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private static AtomicWrite Write(string pid, long seq, object payload, int count = 1) =>
        new([new PersistentRepr(pid, seq, payload, count, 1_700_000_000_000 + seq)]);

    /// <summary>Five events a-1 .. a-5 with sequence numbers 1..5.</summary>
    private async Task WriteFive(string pid = Pid)
    {
        var results = await Journal.WriteMessagesAsync([.. Enumerable.Range(1, 5).Select(i => Write(pid, i, $"a-{i}"))]);
        Assert.All(results, Assert.Null);
    }

    private async Task<List<PersistentRepr>> Replay(long from, long to, long max = long.MaxValue, string pid = Pid)
    {
        var replayed = new List<PersistentRepr>();
        await Journal.ReplayMessagesAsync(pid, from, to, max, replayed.Add);
        return replayed;
    }

    private static long[] Seqs(IEnumerable<PersistentRepr> events) => [.. events.Select(e => e.SequenceNr)];

    [Fact]
    public async Task Replays_all_messages()
    {
        await WriteFive();
        var replayed = await Replay(1, long.MaxValue);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, Seqs(replayed));
        Assert.Equal(["a-1", "a-2", "a-3", "a-4", "a-5"], replayed.Select(e => e.Payload));
        Assert.All(replayed, e => Assert.Equal(Pid, e.PersistenceId));
    }

    [Fact]
    public async Task Replays_from_a_lower_bound()
    {
        await WriteFive();
        Assert.Equal(new long[] { 3, 4, 5 }, Seqs(await Replay(3, long.MaxValue)));
    }

    [Fact]
    public async Task Replays_to_an_upper_bound()
    {
        await WriteFive();
        Assert.Equal(new long[] { 1, 2, 3 }, Seqs(await Replay(1, 3)));
    }

    [Fact]
    public async Task Replays_at_most_the_count_limit()
    {
        await WriteFive();
        Assert.Equal(new long[] { 1, 2 }, Seqs(await Replay(1, long.MaxValue, 2)));
    }

    [Fact]
    public async Task Replays_within_lower_and_upper_bounds()
    {
        await WriteFive();
        Assert.Equal(new long[] { 2, 3 }, Seqs(await Replay(2, 3)));
    }

    [Fact]
    public async Task Replays_a_single_message_when_the_bounds_are_equal()
    {
        await WriteFive();
        Assert.Equal(new long[] { 2 }, Seqs(await Replay(2, 2)));
    }

    [Fact]
    public async Task Replays_nothing_for_a_count_limit_of_zero()
    {
        await WriteFive();
        Assert.Empty(await Replay(1, long.MaxValue, 0));
    }

    [Fact]
    public async Task Replays_nothing_when_the_lower_bound_exceeds_the_upper()
    {
        await WriteFive();
        Assert.Empty(await Replay(3, 2));
    }

    [Fact]
    public async Task Replays_nothing_when_the_lower_bound_exceeds_the_highest_sequence_number()
    {
        await WriteFive();
        Assert.Empty(await Replay(6, long.MaxValue));
    }

    [Fact]
    public async Task Does_not_replay_deleted_messages()
    {
        await WriteFive();
        await Journal.DeleteMessagesToAsync(Pid, 3);
        Assert.Equal(new long[] { 4, 5 }, Seqs(await Replay(1, long.MaxValue)));
    }

    [Fact]
    public async Task The_highest_sequence_number_survives_deleting_every_message()
    {
        await WriteFive();
        await Journal.DeleteMessagesToAsync(Pid, long.MaxValue);
        Assert.Empty(await Replay(1, long.MaxValue));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync(Pid, 0));
    }

    [Fact]
    public async Task The_highest_sequence_number_never_decreases()
    {
        await WriteFive();
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync(Pid, 0));
        await Journal.DeleteMessagesToAsync(Pid, 2);
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync(Pid, 3));
        await Journal.WriteMessagesAsync([Write(Pid, 6, "a-6")]);
        Assert.Equal(6, await Journal.ReadHighestSequenceNrAsync(Pid, 0));
    }

    [Fact]
    public async Task The_highest_sequence_number_of_an_unknown_id_is_zero()
    {
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("nobody", 0));
        Assert.Empty(await Replay(1, long.MaxValue, pid: "nobody"));
    }

    [Fact]
    public async Task Persistence_ids_are_independent()
    {
        await WriteFive("p-a");
        await Journal.WriteMessagesAsync([Write("p-b", 1, "b-1")]);
        Assert.Equal(["b-1"], (await Replay(1, long.MaxValue, pid: "p-b")).Select(e => e.Payload));
        Assert.Equal(5, (await Replay(1, long.MaxValue, pid: "p-a")).Count);
    }

    [Fact]
    public async Task An_atomic_write_of_several_events_is_replayed_whole_and_in_order()
    {
        var write = new AtomicWrite([.. Enumerable.Range(1, 3).Select(i => new PersistentRepr(Pid, i, $"e-{i}", 1, 0))]);
        Assert.All(await Journal.WriteMessagesAsync([write]), Assert.Null);
        Assert.Equal(["e-1", "e-2", "e-3"], (await Replay(1, long.MaxValue)).Select(e => e.Payload));
    }

    /// <summary>A payload this journal stores as one event covering <paramref name="count"/> sequence numbers.</summary>
    protected abstract object RangedPayload(int count);

    [Fact]
    public async Task A_ranged_event_covers_its_sequence_numbers_and_is_replayed_from_inside_its_range()
    {
        // A batch of 10 records persisted as one event covering sequence numbers 1..10, then a ranged one of 2 at 11..12.
        Assert.All(await Journal.WriteMessagesAsync([Write(Pid, 1, RangedPayload(10), count: 10), Write(Pid, 11, RangedPayload(2), count: 2)]), Assert.Null);
        Assert.Equal(12, await Journal.ReadHighestSequenceNrAsync(Pid, 0));
        var fromMiddle = await Replay(7, long.MaxValue);
        Assert.Equal([(1L, 10), (11L, 2)], fromMiddle.Select(e => (e.SequenceNr, e.Count)));
        Assert.Equal([(11L, 2)], (await Replay(11, long.MaxValue)).Select(e => (e.SequenceNr, e.Count)));
        Assert.Equal([(1L, 10)], (await Replay(1, 10)).Select(e => (e.SequenceNr, e.Count)));
    }

    [Fact]
    public async Task A_rejected_write_reports_its_reason_and_the_other_writes_succeed()
    {
        var results = await Journal.WriteMessagesAsync([Write(Pid, 1, "ok-1"), Write(Pid, 2, RejectedPayload), Write(Pid, 3, "ok-3")]);
        Assert.Null(results[0]);
        Assert.NotNull(results[1]);
        Assert.Null(results[2]);
        Assert.Equal(["ok-1", "ok-3"], (await Replay(1, long.MaxValue)).Select(e => e.Payload));
    }
}

public sealed class MemoryJournalSpec : JournalSpec
{
    private sealed class Unserializable;

    protected override IAsyncJournal Journal { get; } = new MemoryJournal { Reject = p => p is Unserializable };

    protected override object RejectedPayload => new Unserializable();

    protected override object RangedPayload(int count) => $"batch-of-{count}";
}

public sealed class SegmentLogJournalSpec : JournalSpec
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorstream-journal-").FullName;
    private readonly SegmentLogJournal _journal;

    public SegmentLogJournalSpec() => _journal = new SegmentLogJournal(_dir, new SegmentLog.LogConfig { SegmentBytes = 4096 });

    protected override IAsyncJournal Journal => _journal;

    /// <summary>JSON cannot serialize it: reading its property throws.</summary>
    public sealed class Unserializable
    {
        public string Value => throw new InvalidOperationException("not serializable");
    }

    protected override object RejectedPayload => new Unserializable();

    /// <summary>The segment log stores ranged events as what they are in the broker: a record batch of that many records.</summary>
    protected override object RangedPayload(int count)
    {
        using var builder = new RecordBatchBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(1_700_000_000_000 + i, null, System.Text.Encoding.UTF8.GetBytes($"record {i}"));
        }

        return new RecordBatchEvent(builder.ToArray());
    }

    public override void Dispose()
    {
        _journal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
        base.Dispose();
    }
}

public sealed class SegmentLogJournalOrderingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorstream-journal-order-").FullName;

    [Fact]
    public async Task A_replay_issued_after_a_write_sees_that_write_even_before_the_write_is_awaited()
    {
        // What a restarted persistent actor does: its predecessor's write may still be in flight when it replays.
        await using var journal = new SegmentLogJournal(_dir);
        for (var round = 1; round <= 50; round++)
        {
            var write = journal.WriteMessagesAsync([new AtomicWrite([new PersistentRepr("p", round, $"e-{round}")])]);
            var replayed = new List<long>();
            await journal.ReplayMessagesAsync("p", round, long.MaxValue, long.MaxValue, e => replayed.Add(e.SequenceNr));
            Assert.Equal([(long)round], replayed);
            Assert.Equal(round, await journal.ReadHighestSequenceNrAsync("p", 0));
            Assert.All(await write, Assert.Null);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
