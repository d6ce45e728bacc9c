using System.Buffers.Binary;
using ActorStream.Broker.Replication;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;
using Xunit.Abstractions;
using Layout = ActorStream.Records.RecordBatchLayout;

namespace ActorStream.Broker.Tests.Replication;

/// <summary>The leader replica of a partition, through its actor: offsets, validation, high watermark, restart.</summary>
public sealed class PartitionReplicaTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Config(string name, string value) => new() { [name] = value };

    [Fact]
    public async Task Offsets_are_assigned_consecutively_and_written_into_the_stored_batches()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("orders");
        var state = broker.Partition("orders");
        int epoch = broker.Image.Partition(new TopicPartition("orders", 0))!.LeaderEpoch;

        var results = new List<AppendResult>();
        foreach (int count in new[] { 5, 1, 10 })
            results.Add(await broker.AppendAsync("orders", Batches.Plain(count)));

        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.Error));
        Assert.Equal([0L, 5L, 6L], results.Select(r => r.BaseOffset));
        Assert.All(results, r => Assert.Equal(-1L, r.LogAppendTime)); // CreateTime topic: no append time
        Assert.Equal(16, state.HighWatermark);
        Assert.Equal(16, state.LogEndOffset);

        var stored = await Batches.ReadAllAsync(state);
        Assert.Equal(3, stored.Count);
        Assert.Equal([0L, 5L, 6L], stored.Select(b => new RecordBatch(b).BaseOffset));
        Assert.Equal([4L, 5L, 15L], stored.Select(b => new RecordBatch(b).LastOffset));
        foreach (var bytes in stored)
        {
            var batch = new RecordBatch(bytes);
            // Producers send -1; the leader stamps its epoch (outside the CRC, which stays valid).
            Assert.Equal(epoch, batch.PartitionLeaderEpoch);
            Assert.NotEqual(Layout.NoPartitionLeaderEpoch, batch.PartitionLeaderEpoch);
            Assert.True(batch.IsValid, "CRC no longer valid");
        }

        // Record offsets follow from the base offset: the third batch's records are 6..15.
        var offsets = new List<long>();
        foreach (var record in new RecordBatch(stored[2]).GetRecords())
            offsets.Add(record.Offset);
        Assert.Equal(Enumerable.Range(6, 10).Select(i => (long)i), offsets);

        // The log itself (what a follower or a restart reads) holds the same.
        using var read = state.Log.Read(5, 1);
        Assert.Equal(5, new RecordBatch(read.Records.Span).BaseOffset);
    }

    [Fact]
    public async Task A_compressed_batch_is_stored_unchanged_apart_from_base_offset_and_leader_epoch()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("zipped");
        await broker.AppendOkAsync("zipped", Batches.Plain(3));

        var original = Batches.Plain(20, valueBytes: 64, compression: CompressionType.Gzip);
        Assert.Equal(CompressionType.Gzip, new RecordBatch(original).Compression);
        var sent = original.ToArray();
        Assert.Equal(3, await broker.AppendOkAsync("zipped", sent));

        var stored = (await Batches.ReadAllAsync(broker.Partition("zipped"), 3)).Single();
        var batch = new RecordBatch(stored);
        Assert.Equal(3, batch.BaseOffset);
        Assert.Equal(0, batch.PartitionLeaderEpoch);
        Assert.Equal(original.Length, stored.Length);
        // Length and magic, then everything from the CRC on (attributes, timestamps, producer fields, the compressed
        // records) are byte-identical: the batch was neither re-compressed nor re-checksummed.
        Assert.Equal(original.AsSpan(Layout.LengthOffset, 4).ToArray(), stored.AsSpan(Layout.LengthOffset, 4).ToArray());
        Assert.Equal(new RecordBatch(original).Crc, batch.Crc);
        Assert.Equal(original.AsSpan(Layout.MagicOffset).ToArray(), stored.AsSpan(Layout.MagicOffset).ToArray());
        Assert.True(batch.IsValid);
        int count = 0;
        foreach (var record in batch.GetRecords())
            Assert.Equal(3 + count++, record.Offset);
        Assert.Equal(20, count);
    }

    [Fact]
    public async Task LogAppendTime_topics_get_the_broker_clock_as_timestamp()
    {
        var now = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        await using var broker = await BrokerHarness.StartAsync(output, clock: new FixedClock(now));
        await broker.CreateTopicAsync("stamped", configs: Config("message.timestamp.type", "LogAppendTime"));

        var result = await broker.AppendAsync("stamped", Batches.Plain(4, timestamp: 1_000));

        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(now.ToUnixTimeMilliseconds(), result.LogAppendTime);
        var stored = new RecordBatch((await Batches.ReadAllAsync(broker.Partition("stamped"))).Single());
        Assert.Equal(TimestampType.LogAppendTime, stored.TimestampType);
        Assert.Equal(now.ToUnixTimeMilliseconds(), stored.MaxTimestamp);
        Assert.True(stored.IsValid, "the CRC must be recomputed after stamping the append time");
        foreach (var record in stored.GetRecords())
            Assert.Equal(now.ToUnixTimeMilliseconds(), record.Timestamp);
    }

    [Fact]
    public async Task A_batch_with_a_bad_CRC_is_refused_whole()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("t");
        await broker.AppendOkAsync("t", Batches.Plain(2));

        var corrupt = Batches.Plain(3);
        corrupt[^1] ^= 0xFF; // a record byte: inside the CRC range
        var result = await broker.AppendAsync("t", corrupt);
        Assert.Equal(ErrorCode.CorruptMessage, result.Error);

        // A request whose first batch is fine and second is corrupt appends neither.
        var good = Batches.Plain(1);
        var bad = Batches.Plain(1);
        bad[Layout.AttributesOffset + 1] ^= 0x01; // flips the timestamp-type bit: CRC mismatch
        result = await broker.AppendAsync("t", [.. good, .. bad]);
        Assert.Equal(ErrorCode.CorruptMessage, result.Error);

        Assert.Equal(2, broker.Partition("t").LogEndOffset);
        Assert.Equal(2, await broker.AppendOkAsync("t", Batches.Plain(1)));
    }

    [Fact]
    public async Task Batches_larger_than_max_message_bytes_and_empty_produces_are_refused()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("small", configs: Config("max.message.bytes", "1000"));
        var fits = Batches.Plain(2, valueBytes: 100);
        var tooLarge = Batches.Plain(4, valueBytes: 400);
        Assert.True(fits.Length <= 1000 && tooLarge.Length > 1000);

        Assert.Equal(0, await broker.AppendOkAsync("small", fits));
        var result = await broker.AppendAsync("small", tooLarge);
        Assert.Equal(ErrorCode.MessageTooLarge, result.Error);
        Assert.Equal(-1, result.BaseOffset);

        result = await broker.AppendAsync("small", []);
        Assert.Equal(ErrorCode.InvalidRecord, result.Error);

        var state = broker.Partition("small");
        Assert.Equal(2, state.LogEndOffset);
        Assert.Equal(2, state.HighWatermark);
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task A_compacted_topic_refuses_a_batch_with_a_keyless_record_and_a_delete_topic_takes_it(CompressionType codec)
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("profiles", configs: Config("cleanup.policy", "compact"));
        await broker.CreateTopicAsync("events");
        byte[] keyless;
        using (var builder = new RecordBatchBuilder(new RecordBatchOptions { Compression = codec }))
        {
            builder.Append(Batches.Timestamp, "user-1"u8, "a"u8);
            builder.Append(Batches.Timestamp, NullableBytes.Null, new NullableBytes("no key"u8));
            keyless = builder.ToArray();
        }

        var refused = await broker.AppendAsync("profiles", keyless);
        Assert.Equal(ErrorCode.InvalidRecord, refused.Error);
        Assert.Contains("Compacted topic cannot accept message without key", refused.Message, StringComparison.Ordinal);
        Assert.Contains("offset delta 1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, broker.Partition("profiles").LogEndOffset); // refused whole

        Assert.Equal(0, await broker.AppendOkAsync("profiles", Batches.Plain(3, compression: codec)));
        Assert.Equal(0, await broker.AppendOkAsync("events", keyless));
    }

    [Theory]
    [InlineData("zstd", CompressionType.None, CompressionType.Zstd)]
    [InlineData("lz4", CompressionType.Gzip, CompressionType.Lz4)]
    [InlineData("uncompressed", CompressionType.Snappy, CompressionType.None)]
    [InlineData("producer", CompressionType.Snappy, CompressionType.Snappy)]
    public async Task A_topic_compression_type_recompresses_batches_keeping_offsets_producer_fields_and_records(
        string compressionType, CompressionType sent, CompressionType stored)
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("packed", configs: Config("compression.type", compressionType));
        var options = new RecordBatchOptions { Compression = sent, ProducerId = 7, ProducerEpoch = 0, BaseSequence = 0 };
        var original = Batches.Build(5, options, valueBytes: 100);

        Assert.Equal(0, await broker.AppendOkAsync("packed", original));
        var retried = await broker.AppendAsync("packed", original); // the producer's retry: still recognised as a duplicate
        Assert.Equal((ErrorCode.None, 0L), (retried.Error, retried.BaseOffset));

        var batch = Assert.Single(await Batches.ReadAllAsync(broker.Partition("packed")));
        var read = new RecordBatch(batch);
        Assert.Equal(stored, read.Compression);
        Assert.True(read.IsValid);
        Assert.Equal((7L, (short)0, 0, 4), (read.ProducerId, read.ProducerEpoch, read.BaseSequence, read.LastOffsetDelta));
        var sentRecords = new RecordBatch(original);
        Assert.Equal(sentRecords.MaxTimestamp, read.MaxTimestamp);
        var expected = new List<(long, string, string)>();
        foreach (var r in sentRecords.GetRecords())
            expected.Add((r.Offset, System.Text.Encoding.UTF8.GetString(r.Key), System.Text.Encoding.UTF8.GetString(r.Value)));
        var actual = new List<(long, string, string)>();
        foreach (var r in read.GetRecords())
            actual.Add((r.Offset, System.Text.Encoding.UTF8.GetString(r.Key), System.Text.Encoding.UTF8.GetString(r.Value)));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task A_batch_whose_records_cannot_be_rewritten_is_refused_and_the_partition_stays_online()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("packed", configs: Config("compression.type", "zstd"));
        byte[] batch;
        using (var builder = new RecordBatchBuilder())
        {
            builder.Append(Batches.Timestamp, "k0"u8, "v0"u8);
            builder.Append(Batches.Timestamp, "k1"u8, "v1"u8);
            batch = builder.ToArray();
        }

        // The second record claims offset delta 0 again (zigzag varint 0x02 -> 0x00): its CRC is made valid.
        int first = RecordBatchLayout.RecordsOffset;
        int second = first + 1 + (batch[first] >> 1); // one-byte length varint, zigzag
        Assert.Equal(0x02, batch[second + 3]);         // length, attributes, timestamp delta 0, offset delta 1
        batch[second + 3] = 0x00;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(RecordBatchLayout.CrcOffset), Crc32C.Compute(batch.AsSpan(RecordBatchLayout.AttributesOffset)));

        var refused = await broker.AppendAsync("packed", batch);
        Assert.Equal(ErrorCode.CorruptMessage, refused.Error);
        Assert.Equal(0, await broker.AppendOkAsync("packed", Batches.Plain(2))); // the replica is still there
    }

    [Fact]
    public async Task Timestamps_outside_message_timestamp_before_and_after_max_ms_are_refused_on_CreateTime_topics()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(Batches.Timestamp);
        await using var broker = await BrokerHarness.StartAsync(output, clock: new FixedClock(now));
        var window = new Dictionary<string, string?> { ["message.timestamp.before.max.ms"] = "60000", ["message.timestamp.after.max.ms"] = "1000" };
        await broker.CreateTopicAsync("recent", configs: window);
        await broker.CreateTopicAsync("stamped", configs: new Dictionary<string, string?>(window) { ["message.timestamp.type"] = "LogAppendTime" });

        Assert.Equal(0, await broker.AppendOkAsync("recent", Batches.Plain(3, timestamp: Batches.Timestamp - 59_000)));
        var future = await broker.AppendAsync("recent", Batches.Plain(3, timestamp: Batches.Timestamp + 5_000));
        Assert.Equal(ErrorCode.InvalidTimestamp, future.Error);
        Assert.Contains("out of range", future.Message, StringComparison.Ordinal);
        // The oldest record sits inside a compressed batch: it is still found.
        var past = await broker.AppendAsync("recent", Batches.Plain(3, compression: CompressionType.Zstd, timestamp: Batches.Timestamp - 61_000));
        Assert.Equal(ErrorCode.InvalidTimestamp, past.Error);
        Assert.Equal(3, broker.Partition("recent").LogEndOffset);

        // LogAppendTime topics take the broker's clock, so the producer's timestamps do not matter.
        Assert.Equal(0, await broker.AppendOkAsync("stamped", Batches.Plain(3, timestamp: 0)));
    }

    [Fact]
    public async Task A_compacted_topic_with_a_timestamp_window_judges_keys_and_timestamps_as_Kafka_does()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(Batches.Timestamp);
        await using var broker = await BrokerHarness.StartAsync(output, clock: new FixedClock(now));
        await broker.CreateTopicAsync("profiles", configs: new Dictionary<string, string?>
        {
            ["cleanup.policy"] = "compact",
            ["message.timestamp.before.max.ms"] = "60000",
        });
        byte[] Batch(params (long Timestamp, bool Keyed)[] records)
        {
            using var builder = new RecordBatchBuilder(new RecordBatchOptions { Compression = CompressionType.Zstd });
            foreach (var (timestamp, keyed) in records)
                builder.Append(timestamp, keyed ? new NullableBytes("user"u8) : NullableBytes.Null, new NullableBytes("v"u8));
            return builder.ToArray();
        }

        long good = Batches.Timestamp;
        long stale = Batches.Timestamp - 61_000;
        var keyless = await broker.AppendAsync("profiles", Batch((good, true), (good, false)));
        Assert.Equal(ErrorCode.InvalidRecord, keyless.Error);
        Assert.Contains("offset delta 1", keyless.Message, StringComparison.Ordinal);
        var old = await broker.AppendAsync("profiles", Batch((good, true), (stale, true)));
        Assert.Equal(ErrorCode.InvalidTimestamp, old.Error);
        Assert.Contains("offset delta 1", old.Message, StringComparison.Ordinal);
        // As Kafka's LogValidator: a timestamp error wins over a key error, and a keyless record's timestamp is not judged.
        Assert.Equal(ErrorCode.InvalidTimestamp, (await broker.AppendAsync("profiles", Batch((good, false), (stale, true)))).Error);
        Assert.Equal(ErrorCode.InvalidRecord, (await broker.AppendAsync("profiles", Batch((good, true), (stale, false)))).Error);
        Assert.Equal(0, await broker.AppendOkAsync("profiles", Batch((Batches.Timestamp - 59_000, true), (good, true))));
        Assert.Equal(2, broker.Partition("profiles").LogEndOffset);
    }

    [Fact]
    public async Task A_produced_batch_that_sets_the_delete_horizon_attribute_is_refused()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("profiles", configs: Config("cleanup.policy", "compact"));
        byte[] stamped;
        using (var builder = new RecordBatchBuilder(new RecordBatchOptions { DeleteHorizonMs = 0 }))
        {
            builder.Append(Batches.Timestamp, "user-1"u8, NullableBytes.Null); // a tombstone "due" since 1970
            stamped = builder.ToArray();
        }

        var refused = await broker.AppendAsync("profiles", stamped);
        Assert.Equal(ErrorCode.InvalidRecord, refused.Error);
        Assert.Contains("delete-horizon attribute", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, broker.Partition("profiles").LogEndOffset);
    }

    [Fact]
    public async Task A_deleted_topics_files_that_survived_are_never_opened_as_a_new_topic_of_that_name()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("source");
        Assert.Equal(0, await broker.AppendOkAsync("source", Batches.Plain(3)));
        var sourceId = broker.Image.Topic("source")!.TopicId;
        Assert.Equal($"version: 0\ntopic_id: {sourceId:D}\n", await File.ReadAllTextAsync(Path.Combine(broker.PartitionDirectory("source", 0), "partition.metadata")));

        // What a removal that failed leaves: a deleted topic's files under the name a new topic takes.
        var survivor = broker.PartitionDirectory("reused", 0);
        Directory.CreateDirectory(survivor);
        foreach (var file in Directory.GetFiles(broker.PartitionDirectory("source", 0)))
            File.Copy(file, Path.Combine(survivor, Path.GetFileName(file)));

        await broker.CreateTopicAsync("reused");
        Assert.Equal(0, broker.Partition("reused").LogEndOffset);
        Assert.Contains(broker.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains($"holds the files of deleted topic id {sourceId}", StringComparison.Ordinal));
        Assert.Equal(0, await broker.AppendOkAsync("reused", Batches.Plain(1)));

        // Its own files, on the other hand, are its own after a restart; a removal cut short is finished then.
        var interrupted = Path.Combine(broker.Directory, "gone-0.5eed.deleting");
        Directory.CreateDirectory(interrupted);
        await broker.RestartAsync();
        Assert.False(Directory.Exists(interrupted));
        Assert.Contains(broker.Logs.Entries, e => e.Message.Contains("Removed gone-0.5eed.deleting: a partition directory whose removal was interrupted", StringComparison.Ordinal));
        Assert.Equal(1, broker.Partition("reused").LogEndOffset);
        Assert.Equal(3, broker.Partition("source").LogEndOffset);
    }

    [Fact]
    public async Task A_restart_reports_how_many_partition_logs_it_recovered_and_how_long_it_took()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("one", partitions: 3);
        await broker.CreateTopicAsync("two", partitions: 2);
        Assert.DoesNotContain(broker.Logs.Entries, e => e.Message.StartsWith("Recovered ", StringComparison.Ordinal)); // topic creation is not a recovery

        await broker.RestartAsync(clean: false);

        var summary = Assert.Single(broker.Logs.Entries, e => e.Message.StartsWith("Recovered ", StringComparison.Ordinal));
        Assert.Matches(@"^Recovered 5 partition log\(s\) in \d+\.\d s$", summary.Message);
    }

    [Fact]
    public async Task Acks_all_needs_min_insync_replicas_in_sync()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("durable", configs: Config("min.insync.replicas", "2"));
        await broker.CreateTopicAsync("relaxed");

        var result = await broker.AppendAsync("durable", Batches.Plain(3), acks: -1);
        Assert.Equal(ErrorCode.NotEnoughReplicas, result.Error);
        Assert.Equal(0, broker.Partition("durable").LogEndOffset);

        Assert.Equal(0, await broker.AppendOkAsync("durable", Batches.Plain(3), acks: 1));
        Assert.Equal(3, await broker.AppendOkAsync("durable", Batches.Plain(1), acks: 0));
        // min.insync.replicas 1 (the default): the lone leader is enough for acks=all.
        Assert.Equal(0, await broker.AppendOkAsync("relaxed", Batches.Plain(3), acks: -1));
        Assert.Equal(4, broker.Partition("durable").LogEndOffset);
    }

    [Fact]
    public async Task Reads_stop_at_the_high_watermark_and_offsets_past_the_log_end_are_out_of_range()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("t");
        var state = broker.Partition("t");

        var advanced = state.WhenAdvanced;
        Assert.False(advanced.IsCompleted);
        await broker.AppendOkAsync("t", Batches.Plain(5));
        await advanced.WaitAsync(BrokerHarness.Timeout);
        Assert.Equal(5, state.HighWatermark);

        advanced = state.WhenAdvanced;
        Assert.False(advanced.IsCompleted);
        await broker.AppendOkAsync("t", Batches.Plain(11));
        await advanced.WaitAsync(BrokerHarness.Timeout);
        Assert.Equal(16, state.HighWatermark);

        // At the high watermark (= log end): nothing yet, not an error.
        using (var atEnd = await state.ReadAsync(16, 1024, CancellationToken.None))
        {
            Assert.True(atEnd.Records.IsEmpty);
            Assert.Equal(16, atEnd.HighWatermark);
        }

        // From inside the first batch: the whole batch holding the offset, then on.
        using (var middle = await state.ReadAsync(3, 1024 * 1024, CancellationToken.None))
            Assert.Equal([0L, 5L], Batches.Split(middle.Records.Span).Select(b => new RecordBatch(b).BaseOffset));

        var error = await Assert.ThrowsAsync<OffsetOutOfRangeException>(async () => await state.ReadAsync(17, 1024, CancellationToken.None));
        Assert.Equal(17, error.Offset);
        Assert.Equal(16, error.LogEndOffset);
        await Assert.ThrowsAsync<OffsetOutOfRangeException>(async () => await state.ReadAsync(-1, 1024, CancellationToken.None));
    }

    // The replica moves the high watermark as soon as a write is on disk, so through the actor it never lags the log
    // end for long enough to observe; the state is driven directly here to pin the cut at the high watermark.
    [Fact]
    public async Task Batches_at_or_above_the_high_watermark_are_never_returned()
    {
        var dir = Directory.CreateTempSubdirectory("actorstream-hw-").FullName;
        try
        {
            var log = Log.Open(dir);
            await using (log)
            {
                foreach (int count in new[] { 5, 1, 10 })
                    await log.AppendAsLeaderAsync(Batches.Plain(count), 0);
                var state = new PartitionState(new TopicPartition("t", 0), Guid.NewGuid(), log, 0);
                Assert.Equal(16, state.LogEndOffset);

                async Task<long[]> BaseOffsets(long offset)
                {
                    using var fetched = await state.ReadAsync(offset, 1024 * 1024, CancellationToken.None);
                    Assert.Equal(state.HighWatermark, fetched.HighWatermark);
                    return [.. Batches.Split(fetched.Records.Span).Select(b => new RecordBatch(b).BaseOffset)];
                }

                Assert.Empty(await BaseOffsets(0)); // high watermark 0: nothing committed
                state.AdvanceHighWatermark(5);
                Assert.Equal(new long[] { 0 }, await BaseOffsets(0));
                Assert.Empty(await BaseOffsets(5));
                state.AdvanceHighWatermark(15); // inside the last batch: it stays invisible as a whole
                Assert.Equal(new long[] { 0, 5 }, await BaseOffsets(0));
                Assert.Empty(await BaseOffsets(6));
                state.AdvanceHighWatermark(16);
                Assert.Equal(new long[] { 0, 5, 6 }, await BaseOffsets(0));

                // The high watermark never moves back.
                var advanced = state.WhenAdvanced;
                state.AdvanceHighWatermark(3);
                Assert.Equal(16, state.HighWatermark);
                Assert.False(advanced.IsCompleted);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Records_and_offsets_survive_a_restart_and_appends_continue_after_them()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("t");
        foreach (int count in new[] { 5, 1, 10 })
            await broker.AppendOkAsync("t", Batches.Plain(count));
        var before = await Batches.ReadAllAsync(broker.Partition("t"));

        await broker.RestartAsync();

        var state = broker.Partition("t");
        Assert.Equal(16, state.LogEndOffset);
        Assert.Equal(16, await broker.AppendOkAsync("t", Batches.Plain(2)));
        Assert.Equal(18, state.HighWatermark);
        var after = await Batches.ReadAllAsync(state);
        Assert.Equal([0L, 5L, 6L, 16L], after.Select(b => new RecordBatch(b).BaseOffset));
        for (int i = 0; i < before.Count; i++)
            Assert.Equal(before[i], after[i]);
    }

    [Fact]
    public async Task Records_survive_a_restart_without_a_clean_stop()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("t");
        foreach (int count in new[] { 5, 1, 10 })
            await broker.AppendOkAsync("t", Batches.Plain(count));

        await broker.RestartAsync(clean: false);

        var state = broker.Partition("t");
        Assert.Equal(16, state.LogEndOffset);
        Assert.Equal(16, await broker.AppendOkAsync("t", Batches.Plain(1)));
        Assert.Equal([0L, 5L, 6L, 16L], (await Batches.ReadAllAsync(state)).Select(b => new RecordBatch(b).BaseOffset));
    }

    // A start (and any metadata change) is complete only once every replica recovered: until then a partition's
    // high watermark is 0, and a fetch or a "latest" ListOffsets would miss committed records. The long log makes the
    // replay slow enough that answering earlier would show on every run.
    [Fact]
    public async Task After_a_start_every_partition_serves_its_committed_records()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("long");
        var request = Enumerable.Range(0, 500).SelectMany(_ => Batches.Plain(1)).ToArray();
        for (int i = 0; i < 10; i++)
            await broker.AppendOkAsync("long", request.ToArray());

        await broker.RestartAsync();

        var state = broker.Partition("long");
        Assert.Equal(5000, state.LogEndOffset);
        Assert.Equal(5000, state.HighWatermark);
    }

    [Fact]
    public void The_leader_epoch_field_is_what_the_producer_sent_before_the_leader_stamps_it()
    {
        // Guards the tests above: a producer batch carries epoch -1 and base offset 0, so a stored batch showing the
        // leader's values proves the replica wrote them.
        var batch = Batches.Plain(2);
        Assert.Equal(-1, BinaryPrimitives.ReadInt32BigEndian(batch.AsSpan(Layout.PartitionLeaderEpochOffset)));
        Assert.Equal(0, new RecordBatch(batch).BaseOffset);
    }
}
