using System.Text.Json;
using ActorStream.Broker.Idempotence;
using ActorStream.Records;

namespace ActorStream.Broker.Tests.Idempotence;

public sealed class ProducerStateManagerTests
{
    private const long Pid = 7;

    // A batch of `count` records at sequence `first`, appended at `offset`.
    private static BatchMetadata Batch(int first, int count, long offset, long timestamp = 1_000) =>
        new(first, RecordBatch.IncrementSequence(first, count - 1), offset, offset + count - 1, timestamp);

    private static SequenceCheck Check(ProducerStateManager m, short epoch, int first, int count, long pid = Pid) =>
        m.Check(pid, epoch, first, RecordBatch.IncrementSequence(first, count - 1));

    [Fact]
    public void Remembers_the_last_five_batches_of_a_producer()
    {
        var manager = new ProducerStateManager();
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(SequenceCheck.Accept, Check(manager, 0, i * 3, 3));
            manager.Update(Pid, 0, Batch(i * 3, 3, 100 + i * 3));
        }

        for (int i = 2; i < 7; i++)
        {
            var check = Check(manager, 0, i * 3, 3);
            Assert.True(check.IsDuplicate);
            Assert.Equal(ErrorCode.None, check.Error);
            Assert.Equal(100 + i * 3, check.Duplicate!.FirstOffset);
        }

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Check(manager, 0, 3, 3).Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Check(manager, 0, 0, 3).Error);
        Assert.Equal(SequenceCheck.Accept, Check(manager, 0, 21, 1));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Check(manager, 0, 22, 1).Error);
    }

    [Fact]
    public void Epochs_fence_older_producers_and_a_new_epoch_starts_at_zero()
    {
        var manager = new ProducerStateManager();
        manager.Update(Pid, 3, Batch(0, 5, 0));

        Assert.Equal(ErrorCode.InvalidProducerEpoch, Check(manager, 2, 5, 1).Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Check(manager, 4, 5, 1).Error);
        Assert.Equal(SequenceCheck.Accept, Check(manager, 4, 0, 1));

        manager.Update(Pid, 4, Batch(0, 1, 5));
        // The new epoch's state replaced the old: the old epoch's batch is no duplicate, and the old epoch is fenced.
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Check(manager, 3, 0, 5).Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Check(manager, 4, 0, 5).Error);
        Assert.True(Check(manager, 4, 0, 1).IsDuplicate);
        Assert.Equal(SequenceCheck.Accept, Check(manager, 4, 1, 1));
    }

    [Fact]
    public void Unknown_producers_and_non_idempotent_batches_are_accepted_at_any_sequence()
    {
        var manager = new ProducerStateManager();
        Assert.Equal(SequenceCheck.Accept, Check(manager, 0, 12345, 2));
        Assert.Equal(SequenceCheck.Accept, manager.Check(-1, -1, -1, -1));
        manager.Update(-1, -1, Batch(0, 1, 0));
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public void Sequence_numbers_wrap_at_int_MaxValue()
    {
        var manager = new ProducerStateManager();
        manager.Update(Pid, 0, Batch(int.MaxValue - 2, 3, 0)); // MaxValue-2 .. MaxValue
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Check(manager, 0, int.MaxValue, 1).Error);
        Assert.Equal(SequenceCheck.Accept, Check(manager, 0, 0, 4));

        manager.Update(Pid, 0, Batch(0, 4, 3));
        manager.Update(Pid, 0, Batch(4, 1, 7));
        Assert.True(Check(manager, 0, int.MaxValue - 2, 3).IsDuplicate);
        Assert.Equal(SequenceCheck.Accept, Check(manager, 0, 5, 1));
    }

    [Fact]
    public void RemoveExpired_forgets_producers_idle_longer_than_the_expiration()
    {
        var manager = new ProducerStateManager();
        manager.Update(1, 0, Batch(0, 1, 0, timestamp: 1_000));
        manager.Update(2, 0, Batch(0, 1, 1, timestamp: 5_000));
        manager.Update(1, 0, Batch(1, 1, 2, timestamp: 2_000));

        Assert.Equal(0, manager.RemoveExpired(4_000, 3_000)); // producer 1 last wrote at 2000 (its newest batch)
        Assert.Equal(1, manager.RemoveExpired(7_000, 3_000));
        Assert.Equal(1, manager.Count);

        // Forgotten: any sequence starts producer 1 again; producer 2 is still checked.
        Assert.Equal(SequenceCheck.Accept, Check(manager, 0, 99, 1, pid: 1));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Check(manager, 0, 99, 1, pid: 2).Error);
        Assert.Equal(1, manager.RemoveExpired(100_000, 3_000));
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public void A_snapshot_round_trips_through_JSON_as_the_snapshot_store_writes_it()
    {
        var manager = new ProducerStateManager();
        for (int i = 0; i < 6; i++)
            manager.Update(Pid, 2, Batch(i * 2, 2, i * 2, timestamp: 1_000 + i));
        manager.Update(Pid + 1, 0, Batch(0, 1, 12, timestamp: 9_000));

        var json = JsonSerializer.SerializeToUtf8Bytes(manager.ToSnapshot());
        var loaded = new ProducerStateManager();
        loaded.Load(JsonSerializer.Deserialize<ProducerStateSnapshot>(json)!);

        Assert.Equal(2, loaded.Count);
        for (int i = 1; i < 6; i++)
            Assert.Equal(i * 2, loaded.Check(Pid, 2, i * 2, i * 2 + 1).Duplicate?.FirstOffset);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, loaded.Check(Pid, 2, 0, 1).Error);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, loaded.Check(Pid, 1, 12, 12).Error);
        Assert.Equal(SequenceCheck.Accept, loaded.Check(Pid, 2, 12, 12));
        Assert.Equal(SequenceCheck.Accept, loaded.Check(Pid + 1, 0, 1, 1));
        // Timestamps came along: producer 0 (last write 1005) expires before producer 1 (9000).
        Assert.Equal(1, loaded.RemoveExpired(8_000, 2_000));
        Assert.Equal(SequenceCheck.Accept, loaded.Check(Pid + 1, 0, 1, 1));
    }
}
