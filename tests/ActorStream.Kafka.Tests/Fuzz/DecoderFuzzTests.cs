using System.Diagnostics;
using System.Text;
using ActorStream.Kafka.Protocol;
using Xunit.Abstractions;

namespace ActorStream.Kafka.Tests.Fuzz;

/// <summary>
/// In-process fuzz of the request decoder, through the entry points the connection uses (header, then body): random
/// frames and mutations of valid requests of every API and version. Nothing but <see cref="ProtocolException"/> may
/// escape, and no decode may allocate more than a constant factor of the frame it was given.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_250_611;
    private const int RandomCases = 25_000;
    private const int MutatedCases = 100_000;

    /// <summary>Largest random body: random frames up to 64 KiB exercise big (lying) lengths against big buffers.</summary>
    private const int MaxRandomBody = 64 * 1024;

    /// <summary>
    /// Allocation allowed per decoded frame byte. The decoder materialises every struct element as an object with its
    /// slot arrays (sized for all versions of the struct), so small elements cost more than they weigh: the worst case
    /// found by <see cref="Worst_case_amplification_stays_within_the_allocation_bound"/> is about 78 bytes per byte
    /// (Metadata v0-v8 topic arrays of empty names: 2 bytes on the wire, ~140 bytes decoded). Twice that leaves room
    /// for a little growth; a decoder that trusted a length prefix and preallocated would overshoot by gigabytes.
    /// </summary>
    private const long AllocationPerByte = 128;

    /// <summary>Fixed allowance per decode: exceptions (stack trace capture, field path), header objects, small lists.</summary>
    private const long AllocationSlack = 64 * 1024;

    private static long AllocationBound(int frameLength) => (AllocationPerByte * frameLength) + AllocationSlack;

    [Fact]
    public void Every_valid_seed_frame_decodes_and_its_length_prefixes_are_located()
    {
        var seeds = RequestFuzzer.Seeds;
        int versions = ApiCatalog.All.Sum(api => api.MaxVersion - api.MinVersion + 1);
        Assert.Equal(versions * 3, seeds.Count);
        foreach (var seed in seeds)
        {
            var outcome = ConnectionDecodePath.Decode(seed.Frame, out var header, out var error);
            Assert.True(outcome == FrameOutcome.Decoded, $"{seed}: {outcome} {error?.Message}");
            Assert.Equal(seed.Key, header!.Value.ApiKey);
            Assert.Equal(seed.Version, header.Value.ApiVersion);
            Assert.NotEmpty(seed.Lengths); // at least the client id
        }
    }

    [Fact]
    public void Random_and_mutated_request_frames_fail_only_with_ProtocolException_and_allocate_in_proportion_to_the_frame()
    {
        var seeds = RequestFuzzer.Seeds;

        // One-off costs (JIT, type loading, the first throw of each path) are not a decode's allocation: pay them first.
        var warmUp = new RequestFuzzer(Seed + 1);
        for (int i = 0; i < 2000; i++)
            Run(i % 2 == 0 ? warmUp.RandomFrame(256) : warmUp.Mutate(seeds[i % seeds.Count]), null);

        var fuzzer = new RequestFuzzer(Seed);
        var stats = new FuzzStats();
        var clock = Stopwatch.StartNew();
        int mutated = 0;
        for (int i = 0; i < RandomCases + MutatedCases; i++)
        {
            // One random frame in five; the mutations walk the seeds round-robin, so every API version gets its share.
            var fuzzCase = i % 5 == 0 ? fuzzer.RandomFrame(MaxRandomBody) : fuzzer.Mutate(seeds[mutated++ % seeds.Count]);
            Run(fuzzCase, stats);
            if (stats.FailureCount >= 100)
                break; // a broken decoder: enough evidence, no need to grind through the rest
        }

        clock.Stop();
        output.WriteLine($"{stats.Cases} cases (seed {Seed}, {seeds.Count} seed frames) in {clock.ElapsedMilliseconds} ms");
        output.WriteLine(stats.Report());
        Assert.True(stats.FailureCount == 0, $"{stats.FailureCount} of {stats.Cases} cases broke the decoder's contract; the first ones:\n{string.Join("\n", stats.Failures.Take(20))}");

        // The fuzz must reach past the header: bodies of every kind decode, and fail, in numbers.
        Assert.Equal(RandomCases + MutatedCases, stats.Cases);
        Assert.True(stats.Total(FrameOutcome.Decoded) > 5_000, stats.Report());
        Assert.True(stats.Total(FrameOutcome.Rejected) > 50_000, stats.Report());
        Assert.True(stats.Total(FrameOutcome.UnsupportedApiVersions) > 0, stats.Report());
        Assert.True(stats.BodyErrors > 30_000, stats.Report());
    }

    [Fact]
    public void Worst_case_amplification_stays_within_the_allocation_bound()
    {
        // Every count and length of every seed set to 1024 and followed by 1024 elements of 1 to 8 bytes of 0x00 or
        // 0x01 (empty strings, zero or null counts, empty tagged sections): as many objects per frame byte as the wire
        // allows, deterministically, whatever the random fuzz happens to draw.
        var stats = new FuzzStats();
        foreach (var seed in RequestFuzzer.Seeds)
        {
            foreach (var field in seed.Lengths)
            {
                foreach (int elementSize in new[] { 1, 2, 4, 8 })
                {
                    foreach (byte fill in new byte[] { 0x00, 0x01 })
                    {
                        const int count = 1024;
                        byte[] prefix = RequestFuzzer.EncodeLength(field.Encoding, field.Encoding == LengthEncoding.UnsignedVarint ? count + 1 : count);
                        var padding = new byte[count * elementSize];
                        Array.Fill(padding, fill);
                        byte[] frame = [.. seed.Frame.AsSpan(0, field.Offset), .. prefix, .. padding, .. seed.Frame.AsSpan(field.Offset + field.Width)];
                        Run(new FuzzCase(frame, FuzzKind.LengthAmplify, seed, $"{field.What} {count}x{elementSize}x{fill}"), stats);
                    }
                }
            }
        }

        output.WriteLine($"{stats.Cases} amplification cases");
        output.WriteLine(stats.Report());
        Assert.True(stats.FailureCount == 0, $"{stats.FailureCount} of {stats.Cases} cases broke the decoder's contract; the first ones:\n{string.Join("\n", stats.Failures.Take(20))}");
    }

    private static void Run(FuzzCase fuzzCase, FuzzStats? stats)
    {
        byte[] frame = fuzzCase.Frame;
        // As the connection does: the frame at the start of a larger (pooled) buffer, followed by stale bytes.
        var buffer = new byte[frame.Length + 16];
        Array.Fill(buffer, (byte)0xA5);
        frame.CopyTo(buffer, 0);
        var memory = buffer.AsMemory(0, frame.Length);

        FrameOutcome outcome;
        RequestHeader? header;
        ProtocolException? error;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            outcome = ConnectionDecodePath.Decode(memory, out header, out error);
        }
        catch (Exception e)
        {
            stats?.Fail(fuzzCase, $"{e.GetType().Name} escaped the decoder: {e.Message}\n{e.StackTrace}");
            return;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (stats is null)
            return;

        stats.Count(fuzzCase, outcome, allocated, bodyError: error is not null && header is not null);
        if (allocated > AllocationBound(frame.Length))
            stats.Fail(fuzzCase, $"decoding a {frame.Length}-byte frame allocated {allocated} bytes (bound {AllocationBound(frame.Length)})");
        if (error is not null)
        {
            if (error.Offset < -1 || error.Offset > frame.Length)
                stats.Fail(fuzzCase, $"ProtocolException offset {error.Offset} outside the {frame.Length}-byte frame");
            try
            {
                // Message and FieldPath are what the connection logs: formatting them must not fail either.
                _ = error.Message;
                _ = error.FieldPath;
            }
            catch (Exception e)
            {
                stats.Fail(fuzzCase, $"formatting the ProtocolException threw {e.GetType().Name}: {e.Message}");
            }
        }

        // The public one-call decoder (KafkaFrames.DecodeRequest) must agree with the connection's two-step path.
        try
        {
            KafkaFrames.DecodeRequest(memory);
            if (outcome != FrameOutcome.Decoded)
                stats.Fail(fuzzCase, $"DecodeRequest accepted a frame the connection path rejected ({outcome})");
        }
        catch (ProtocolException)
        {
            if (outcome == FrameOutcome.Decoded)
                stats.Fail(fuzzCase, "DecodeRequest rejected a frame the connection path decoded");
        }
        catch (Exception e)
        {
            stats.Fail(fuzzCase, $"{e.GetType().Name} escaped KafkaFrames.DecodeRequest: {e.Message}\n{e.StackTrace}");
        }
    }

    private sealed class FuzzStats
    {
        private readonly Dictionary<(FuzzKind, FrameOutcome), int> _counts = [];
        private long _maxAllocated;
        private string _maxAllocatedAt = string.Empty;
        private double _maxRatio;
        private double _maxShareOfBound;
        private string _maxShareAt = string.Empty;

        public List<string> Failures { get; } = [];

        public int Cases { get; private set; }

        public int FailureCount { get; private set; }

        public int BodyErrors { get; private set; }

        public void Count(FuzzCase fuzzCase, FrameOutcome outcome, long allocated, bool bodyError)
        {
            var kind = fuzzCase.Kind;
            int length = fuzzCase.Frame.Length;
            Cases++;
            _counts[(kind, outcome)] = _counts.GetValueOrDefault((kind, outcome)) + 1;
            if (bodyError)
                BodyErrors++;
            if (allocated > _maxAllocated)
            {
                _maxAllocated = allocated;
                _maxAllocatedAt = $"{kind}, {length} bytes";
            }

            if (length >= 256)
                _maxRatio = Math.Max(_maxRatio, (double)allocated / length);
            if ((double)allocated / AllocationBound(length) > _maxShareOfBound)
            {
                _maxShareOfBound = (double)allocated / AllocationBound(length);
                _maxShareAt = $"{outcome}, {allocated} bytes: {fuzzCase}";
            }
        }

        public int Total(FrameOutcome outcome) => _counts.Where(c => c.Key.Item2 == outcome).Sum(c => c.Value);

        public void Fail(FuzzCase fuzzCase, string what)
        {
            FailureCount++;
            if (Failures.Count < 20)
                Failures.Add($"{what}\n    case: {fuzzCase}");
        }

        public string Report()
        {
            var text = new StringBuilder();
            text.AppendLine($"{"kind",-20} {"decoded",8} {"v0 reply",8} {"rejected",8}");
            foreach (var kind in Enum.GetValues<FuzzKind>())
            {
                text.AppendLine($"{kind,-20} {_counts.GetValueOrDefault((kind, FrameOutcome.Decoded)),8} "
                    + $"{_counts.GetValueOrDefault((kind, FrameOutcome.UnsupportedApiVersions)),8} {_counts.GetValueOrDefault((kind, FrameOutcome.Rejected)),8}");
            }

            text.AppendLine($"failures in the body decoder (after a good header): {BodyErrors}");
            text.AppendLine($"largest allocation: {_maxAllocated} bytes ({_maxAllocatedAt}); largest ratio for frames of 256+ bytes: {_maxRatio:F1} bytes per frame byte; closest to the bound: {_maxShareOfBound:P1} of it ({_maxShareAt})");
            return text.ToString();
        }
    }
}
