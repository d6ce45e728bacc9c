using ActorStream.Actors;
using ActorStream.Broker.Idempotence;
using ActorStream.Broker.Replication;
using ActorStream.Broker.Tests.Replication;
using ActorStream.Persistence;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Idempotence;

/// <summary>Idempotent producers through the partition replica actor: retries, fencing, sequence checks, restarts.</summary>
public sealed class IdempotentProduceTests(ITestOutputHelper output)
{
    private const long ProducerId = 4242;
    private const string Topic = "idem";

    // Six batches of two records from one producer (sequences 0-1, 2-3, ... 10-11) at offsets 0, 2, ... 10.
    private static async Task<long[]> AppendSixBatchesAsync(BrokerHarness broker, int batches = 6)
    {
        var offsets = new long[batches];
        for (int i = 0; i < batches; i++)
            offsets[i] = await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, i * 2, 2));
        return offsets;
    }

    private static async Task AssertRetriesOfTheLastFiveAreDeduplicatedAsync(BrokerHarness broker, long[] offsets, long logEnd)
    {
        var state = broker.Partition(Topic);
        for (int i = offsets.Length - 5; i < offsets.Length; i++)
        {
            var retry = await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, i * 2, 2));
            Assert.True(retry.Error == ErrorCode.None, $"retry of batch {i}: {retry.Error} {retry.Message}");
            Assert.Equal(offsets[i], retry.BaseOffset);
            Assert.Equal(logEnd, state.LogEndOffset);
        }

        Assert.Equal(logEnd, state.HighWatermark);
    }

    [Fact]
    public async Task Retries_of_the_last_five_batches_are_acknowledged_with_their_original_offsets_and_not_appended_again()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic);
        var offsets = await AppendSixBatchesAsync(broker);
        Assert.Equal([0L, 2L, 4L, 6L, 8L, 10L], offsets);

        await AssertRetriesOfTheLastFiveAreDeduplicatedAsync(broker, offsets, 12);

        // The sixth-last batch is no longer remembered: as in Kafka, its retry is out of order, not a duplicate.
        var tooOld = await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 2));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, tooOld.Error);
        Assert.Equal(12, broker.Partition(Topic).LogEndOffset);

        // And the producer carries on where it was.
        Assert.Equal(12, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 12, 1)));
        Assert.Single(await Batches.ReadAllAsync(broker.Partition(Topic), 12));
    }

    [Fact]
    public async Task Sequence_gaps_and_stale_epochs_are_refused_with_Kafkas_error_codes()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic);
        var state = broker.Partition(Topic);
        Assert.Equal(0, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 2)));

        // A gap: 2 expected, 5 sent.
        var gap = await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 5, 1));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, gap.Error);
        Assert.Equal(45, (short)gap.Error);
        // A batch that overlaps the last one without repeating it exactly is no duplicate either.
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 1, 2))).Error);

        // The producer bumps its epoch: sequence 0 again.
        Assert.Equal(2, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 1, 0, 1)));

        // The old epoch is fenced, whatever its sequence.
        var fenced = await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 2, 1));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, fenced.Error);
        Assert.Equal(47, (short)fenced.Error);

        // A new epoch must start at 0.
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 2, 3, 1))).Error);
        Assert.Equal(3, state.LogEndOffset);
        Assert.Equal(3, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 2, 0, 1)));

        // Other producers are independent, and plain batches are never checked.
        Assert.Equal(4, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId + 1, 0, 77, 1)));
        Assert.Equal(5, await broker.AppendOkAsync(Topic, Batches.Plain(1)));
        Assert.Equal(6, await broker.AppendOkAsync(Topic, Batches.Plain(1)));
    }

    [Fact]
    public async Task Sequences_wrap_from_int_MaxValue_to_zero()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic);

        // Sequences MaxValue-1 and MaxValue; the next batch starts at 0.
        Assert.Equal(0, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, int.MaxValue - 1, 2)));
        Assert.Equal(2, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 3)));
        // A batch that itself wraps (another producer: MaxValue-1, MaxValue, 0, 1); its successor starts at 2.
        Assert.Equal(5, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId + 1, 0, int.MaxValue - 1, 4)));
        Assert.Equal(9, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId + 1, 0, 2, 1)));

        // A retry across the wrap is still recognised, and a gap after it still refused.
        Assert.Equal(0, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, int.MaxValue - 1, 2))).BaseOffset);
        Assert.Equal(5, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId + 1, 0, int.MaxValue - 1, 4))).BaseOffset);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 4, 1))).Error);
        Assert.Equal(10, broker.Partition(Topic).LogEndOffset);
    }

    [Fact]
    public async Task Duplicates_are_recognised_after_a_clean_restart_from_the_snapshot_written_on_stop()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic);
        var offsets = await AppendSixBatchesAsync(broker);

        await broker.Broker.StopAsync(BrokerHarness.Timeout);
        // The stop wrote a producer-state snapshot at the log end (12), holding this producer's last five batches.
        var store = new FileSnapshotStore(Path.Combine(broker.Directory, "__snapshots"));
        SelectedSnapshot? snapshot = null;
        await Eventually.HoldsAsync(async () => (snapshot = await store.LoadAsync($"{Topic}-0", SnapshotSelectionCriteria.Latest)) is not null,
            "a producer-state snapshot after the stop");
        Assert.Equal(12, snapshot!.Metadata.SequenceNr);
        var entry = Assert.Single(Assert.IsType<ProducerStateSnapshot>(snapshot.Snapshot).Producers);
        Assert.Equal(ProducerId, entry.ProducerId);
        Assert.Equal([2L, 4L, 6L, 8L, 10L], entry.Batches.Select(b => b.FirstOffset));

        await broker.RestartAsync();

        await AssertRetriesOfTheLastFiveAreDeduplicatedAsync(broker, offsets, 12);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 2))).Error);
        Assert.Equal(12, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 12, 2)));
    }

    [Fact]
    public async Task Duplicates_are_recognised_after_a_restart_from_a_periodic_snapshot_plus_the_batches_after_it()
    {
        await using var broker = await BrokerHarness.StartAsync(output,
            s => s with { Replica = s.Replica with { SnapshotIntervalBatches = 2 } });
        await broker.CreateTopicAsync(Topic);
        // Five batches: snapshots after the second and the fourth (at log end 8); the fifth is only in the log.
        var offsets = await AppendSixBatchesAsync(broker, batches: 5);
        var store = new FileSnapshotStore(Path.Combine(broker.Directory, "__snapshots"));
        SelectedSnapshot? snapshot = null;
        await Eventually.HoldsAsync(async () => (snapshot = await store.LoadAsync($"{Topic}-0", SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr == 8,
            "the periodic snapshot at log end 8");
        Assert.Equal(4, Assert.IsType<ProducerStateSnapshot>(snapshot!.Snapshot).Producers.Single().Batches.Count);

        // No clean stop, so no snapshot at stop: recovery is the snapshot at 8 plus the batch at offset 8 replayed.
        await broker.RestartAsync(clean: false);

        await AssertRetriesOfTheLastFiveAreDeduplicatedAsync(broker, offsets, 10);
        Assert.Equal(10, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 10, 2)));
        // Now six batches: the first is forgotten, as it would have been without the restart.
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 2))).Error);
    }

    [Fact]
    public async Task Duplicates_are_recognised_after_a_restart_without_a_clean_stop_by_replaying_batch_headers()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic);
        var offsets = await AppendSixBatchesAsync(broker);
        var store = new FileSnapshotStore(Path.Combine(broker.Directory, "__snapshots"));

        await broker.RestartAsync(clean: false);

        Assert.Null(await store.LoadAsync($"{Topic}-0", SnapshotSelectionCriteria.Latest)); // nothing but the log to go on
        await AssertRetriesOfTheLastFiveAreDeduplicatedAsync(broker, offsets, 12);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 2))).Error);

        // An epoch bump, then another unclean restart: replay restores the epoch too, and fences the old one.
        Assert.Equal(12, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 1, 0, 1)));
        await broker.RestartAsync(clean: false);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 12, 1))).Error);
        Assert.Equal(12, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 1, 0, 1))).BaseOffset);
        Assert.Equal(13, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 1, 1, 1)));
    }

    [Fact]
    public async Task Producers_idle_longer_than_the_expiration_are_forgotten_at_the_retention_check()
    {
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(Batches.Timestamp));
        await using var broker = await BrokerHarness.StartAsync(output,
            s => s with { Replica = s.Replica with { ProducerIdExpirationMs = 60_000 } }, clock);
        await broker.CreateTopicAsync(Topic);
        // One producer last wrote at the clock's time, another two minutes later.
        const long recent = ProducerId + 1;
        Assert.Equal(0, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 2)));
        Assert.Equal(2, await broker.AppendOkAsync(Topic, Batches.Idempotent(recent, 0, 0, 2, timestamp: Batches.Timestamp + 120_000)));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 50, 1))).Error);

        // Two minutes on (one check only: a check while the previous one still runs is skipped), the first producer
        // is idle longer than the minute allowed and forgotten, so any sequence starts it again; the other is kept.
        clock.UtcNow = clock.UtcNow.AddMinutes(2);
        broker.Partition(Topic).Replica.Tell(CheckRetention.Instance, ActorRefs.NoSender);
        Assert.Equal(4, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 50, 1)));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.AppendAsync(Topic, Batches.Idempotent(recent, 0, 50, 1))).Error);
        Assert.Equal(2, (await broker.AppendAsync(Topic, Batches.Idempotent(recent, 0, 0, 2, timestamp: Batches.Timestamp + 120_000))).BaseOffset);
    }

    // Compaction may remove a producer's newest batch entirely (a later producer wrote the same keys). Producer state
    // is snapshotted at every roll, so a recovery after a crash never needs that batch: the producer goes on.
    [Fact]
    public async Task A_producers_last_batch_compacted_away_before_a_crash_does_not_break_its_sequence()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic, configs: new Dictionary<string, string?>
        {
            ["cleanup.policy"] = "compact",
            ["segment.bytes"] = "150",
            ["min.cleanable.dirty.ratio"] = "0.01",
        });
        using (var own = new ActorStream.Records.RecordBatchBuilder(new ActorStream.Records.RecordBatchOptions { ProducerId = ProducerId, ProducerEpoch = 0, BaseSequence = 0 }))
        {
            own.Append(Batches.Timestamp, "mine-0"u8, "v"u8);
            own.Append(Batches.Timestamp, "mine-1"u8, "v"u8);
            Assert.Equal(0, await broker.AppendOkAsync(Topic, own.ToArray())); // sequences 0..1, never superseded
        }

        Assert.Equal(2, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 2, 2))); // 2..3: key-0, key-1
        for (int i = 0; i < 4; i++)
            await broker.AppendOkAsync(Topic, Batches.Plain(2)); // key-0, key-1 again: the producer's batch is superseded
        var partition = broker.Partition(Topic);
        Assert.True(partition.Log.SegmentCount > 2);
        Assert.True(partition.Log.Compact().Ran);
        Assert.DoesNotContain(await Batches.ReadAllAsync(partition), b => new ActorStream.Records.RecordBatch(b).BaseOffset == 2); // gone from the log
        var store = new FileSnapshotStore(Path.Combine(broker.Directory, "__snapshots"));
        await Eventually.HoldsAsync(async () => await store.LoadAsync($"{Topic}-0", SnapshotSelectionCriteria.Latest) is not null, "a snapshot taken at a roll");

        await broker.RestartAsync(clean: false);

        // Replaying the log alone would leave the producer at sequence 1 and refuse 4 as out of order.
        Assert.Equal(12, await broker.AppendOkAsync(Topic, Batches.Idempotent(ProducerId, 0, 4, 1)));
    }

    // A machine crash can keep a producer-state snapshot (fsynced) and lose the unflushed tail of the log it was
    // taken at. The first recovery skips such a snapshot (it is beyond the log end); once the log has grown past it
    // again, a later recovery must not load it, or the producer state holds batches the log never kept.
    [Fact]
    public async Task A_snapshot_beyond_a_log_that_lost_its_tail_is_never_used_later()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic);
        await AppendSixBatchesAsync(broker); // sequences 0..11 at offsets 0..11
        var store = new FileSnapshotStore(Path.Combine(broker.Directory, "__snapshots"));
        await broker.ShutdownAsync(clean: true);
        await Eventually.HoldsAsync(async () => (await store.LoadAsync($"{Topic}-0", SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr == 12,
            "the snapshot written at stop (log end 12)");

        // The "crash": the last batch (offsets 10-11, sequences 10-11) never reached the disk.
        var segment = Path.Combine(broker.PartitionDirectory(Topic, 0), "00000000000000000000.log");
        var bytes = await File.ReadAllBytesAsync(segment);
        var batches = Batches.Split(bytes);
        Assert.Equal(6, batches.Count);
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write))
            file.SetLength(bytes.Length - batches[^1].Length);

        await broker.StartAgainAsync();
        Assert.Equal(10, broker.Partition(Topic).LogEndOffset);
        // Another producer's records now take offsets 10-11; then the node restarts without a clean stop.
        Assert.Equal(10, await broker.AppendOkAsync(Topic, Batches.Plain(2)));
        await broker.RestartAsync(clean: false);

        // The producer resends its lost batch: it is new to this log and must be appended, not acknowledged as a
        // duplicate at offset 10 (which holds someone else's records).
        var resent = await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 10, 2));
        Assert.Equal(ErrorCode.None, resent.Error);
        Assert.Equal(12, resent.BaseOffset);
        Assert.Equal(14, broker.Partition(Topic).LogEndOffset);
    }

    // A request whose later batch is refused appends nothing, so the producer-state updates of its earlier batches
    // are undone; otherwise a retry of one of them would be acknowledged as a duplicate of a batch never written.
    [Fact]
    public async Task A_refused_request_leaves_no_producer_state_behind()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic);
        var first = Batches.Idempotent(ProducerId, 0, 0, 2);
        var gap = Batches.Idempotent(ProducerId, 0, 5, 1);

        var refused = await broker.AppendAsync(Topic, [.. first, .. gap]);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, refused.Error);
        Assert.Equal(0, broker.Partition(Topic).LogEndOffset);

        // The producer retries its first batch alone: nothing of it is in the log, so it must be appended.
        var retried = await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 2));
        Assert.Equal(ErrorCode.None, retried.Error);
        Assert.Equal(2, broker.Partition(Topic).LogEndOffset);
        Assert.Single(await Batches.ReadAllAsync(broker.Partition(Topic)));
    }

    [Fact]
    public async Task Several_batches_of_one_producer_in_one_request_are_checked_in_order()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync(Topic);
        byte[] request = [.. Batches.Idempotent(ProducerId, 0, 0, 2), .. Batches.Idempotent(ProducerId, 0, 2, 3)];
        var result = await broker.AppendAsync(Topic, request);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(0, result.BaseOffset);
        Assert.Equal(5, broker.Partition(Topic).LogEndOffset);
        // Each is remembered on its own.
        Assert.Equal(2, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 2, 3))).BaseOffset);
        Assert.Equal(0, (await broker.AppendAsync(Topic, Batches.Idempotent(ProducerId, 0, 0, 2))).BaseOffset);
        Assert.Equal(5, broker.Partition(Topic).LogEndOffset);
    }
}
