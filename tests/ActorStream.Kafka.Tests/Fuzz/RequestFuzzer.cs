using System.Buffers.Binary;
using System.Text;
using ActorStream.Kafka.Protocol;
using ActorStream.Records;

namespace ActorStream.Kafka.Tests.Fuzz;

/// <summary>A valid request frame (after the size prefix) that mutations start from, with its length prefixes located.</summary>
internal sealed record FuzzSeed(ApiKey Key, short Version, int Variant, byte[] Frame, LengthField[] Lengths)
{
    public override string ToString() => $"{Key} v{Version} (variant {Variant}, {Frame.Length} bytes)";
}

/// <summary>How a fuzz frame was made; counted per kind so a run shows what it covered.</summary>
internal enum FuzzKind
{
    RandomBytes,
    RandomHeaderAndBody,
    BitFlips,
    InterestingByte,
    InterestingWord,
    Truncate,
    Append,
    Insert,
    Delete,
    Duplicate,
    LengthHuge,
    LengthVarintHuge,
    LengthNear,
    LengthAmplify,
    HeaderVersion,
    HeaderApiKey,
}

/// <summary>One generated frame (after the size prefix) and how it was made.</summary>
internal readonly record struct FuzzCase(byte[] Frame, FuzzKind Kind, FuzzSeed? Seed, string Steps)
{
    public override string ToString()
        => $"{Kind} of {(Seed is null ? "nothing" : Seed.ToString())} [{Steps}]: {Convert.ToHexString(Frame.AsSpan(0, Math.Min(Frame.Length, 256)))}{(Frame.Length > 256 ? "..." : string.Empty)}";
}

/// <summary>
/// Deterministic generator of hostile request frames: purely random ones (header fields inside and outside the catalog,
/// random lengths) and mutations of valid requests of every API and version (bit flips, interesting bytes and words,
/// truncation, extension, splices, and length prefixes, counts and tagged sizes set to huge, slightly wrong or
/// amplifying values). The same seed always yields the same sequence.
/// </summary>
internal sealed class RequestFuzzer(int seed)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];
    private static readonly short[] InterestingShorts = [0, 1, -1, -2, 0x7F, 0x80, 0xFF, 0x7FFF, short.MinValue];
    private static readonly int[] InterestingInts = [0, 1, -1, -2, 0x7FFF, 0x8000, 0x10000, 0x7FFFFFF0, int.MaxValue, int.MinValue];

    private static readonly Lazy<FuzzSeed[]> AllSeeds = new(BuildSeeds);

    private readonly Random _random = new(seed);

    /// <summary>Valid requests of every API of the catalog at every version it supports, in three variants each.</summary>
    public static IReadOnlyList<FuzzSeed> Seeds => AllSeeds.Value;

    private static FuzzSeed[] BuildSeeds()
    {
        var seeds = new List<FuzzSeed>();
        foreach (var api in ApiCatalog.All)
        {
            for (short v = api.MinVersion; v <= api.MaxVersion; v++)
            {
                // Variant 0: nulls and empty arrays; 1 and 2: values, two-element arrays, tagged fields (Samples).
                for (int variant = 0; variant < 3; variant++)
                {
                    byte[] frame = Samples.RequestFrame(api.Key, v, variant);
                    seeds.Add(new FuzzSeed(api.Key, v, variant, frame, [.. RequestFrameLayout.LengthFields(frame)]));
                }
            }
        }

        return [.. seeds];
    }

    public Random Random => _random;

    /// <summary>A random frame of at most about <paramref name="maxBodyLength"/> bytes of body.</summary>
    public FuzzCase RandomFrame(int maxBodyLength)
    {
        if (_random.Next(10) == 0)
            return new FuzzCase(RandomBytes(_random.Next(0, 64)), FuzzKind.RandomBytes, null, "raw");

        var bytes = new List<byte>(64);
        short apiKey;
        short version;
        var api = _random.Next(100) < 75 ? ApiCatalog.All[_random.Next(ApiCatalog.All.Count)] : null;
        if (api is not null)
        {
            apiKey = (short)api.Key;
            version = _random.Next(10) switch
            {
                < 6 => (short)_random.Next(api.MinVersion, api.MaxVersion + 1),
                6 => (short)(api.MinVersion - 1),
                7 => (short)(api.MaxVersion + 1),
                8 => InterestingShorts[_random.Next(InterestingShorts.Length)],
                _ => (short)_random.Next(short.MinValue, short.MaxValue + 1),
            };
        }
        else
        {
            apiKey = _random.Next(2) == 0 ? (short)_random.Next(-2, 80) : (short)_random.Next(short.MinValue, short.MaxValue + 1);
            version = (short)_random.Next(-2, 20);
        }

        AddInt16(bytes, apiKey);
        AddInt16(bytes, version);
        AddInt32(bytes, _random.Next());
        switch (_random.Next(10))
        {
            case < 7:
                var clientId = Encoding.UTF8.GetBytes(new string('c', _random.Next(0, 24)));
                AddInt16(bytes, (short)clientId.Length);
                bytes.AddRange(clientId);
                break;
            case < 9:
                AddInt16(bytes, -1);
                break;
            default:
                AddInt16(bytes, InterestingShorts[_random.Next(InterestingShorts.Length)]);
                bytes.AddRange(RandomBytes(_random.Next(0, 16)));
                break;
        }

        var known = ApiCatalog.Find(apiKey);
        if (known is not null && known.IsSupported(version) && ApiCatalog.RequestHeaderVersion(known.Key, version) >= 2)
        {
            // Header v2: an empty tagged section, or a few random tags.
            if (_random.Next(5) != 0)
                bytes.Add(0);
            else
                bytes.AddRange(RandomBytes(_random.Next(1, 12)));
        }

        int bodyLength = _random.Next(10) switch
        {
            < 3 => _random.Next(0, 16),
            < 7 => _random.Next(0, 256),
            < 9 => _random.Next(0, Math.Min(4096, maxBodyLength + 1)),
            _ => _random.Next(0, maxBodyLength + 1),
        };
        if (_random.Next(3) == 0)
        {
            // Bytes that read as small lengths, nulls and zero counts get much deeper into a body than uniform noise.
            for (int i = 0; i < bodyLength; i++)
                bytes.Add(InterestingBytes[_random.Next(InterestingBytes.Length)]);
        }
        else
        {
            bytes.AddRange(RandomBytes(bodyLength));
        }

        return new FuzzCase([.. bytes], FuzzKind.RandomHeaderAndBody, null, $"key {apiKey} v{version}");
    }

    /// <summary>One to three mutations of <paramref name="seed"/>; a length-aware one, if any, comes first (offsets are the seed's).</summary>
    public FuzzCase Mutate(FuzzSeed seed)
    {
        var kind = (FuzzKind)_random.Next((int)FuzzKind.BitFlips, (int)FuzzKind.HeaderApiKey + 1);
        if ((kind is FuzzKind.LengthHuge or FuzzKind.LengthVarintHuge or FuzzKind.LengthNear or FuzzKind.LengthAmplify) && seed.Lengths.Length == 0)
            kind = FuzzKind.BitFlips;
        var steps = new StringBuilder();
        byte[] frame = Apply(kind, seed.Frame, seed, steps);
        int more = _random.Next(10) < 4 ? _random.Next(1, 3) : 0;
        for (int i = 0; i < more; i++)
            frame = Apply((FuzzKind)_random.Next((int)FuzzKind.BitFlips, (int)FuzzKind.Duplicate + 1), frame, null, steps);
        return new FuzzCase(frame, kind, seed, steps.ToString());
    }

    private byte[] Apply(FuzzKind kind, byte[] frame, FuzzSeed? seed, StringBuilder steps)
    {
        steps.Append(kind).Append(' ');
        if (frame.Length == 0 && kind is FuzzKind.BitFlips or FuzzKind.InterestingByte or FuzzKind.Delete or FuzzKind.Duplicate)
            return frame;
        return kind switch
        {
            FuzzKind.BitFlips => FlipBits(frame),
            FuzzKind.InterestingByte => Overwrite(frame, [InterestingBytes[_random.Next(InterestingBytes.Length)]]),
            FuzzKind.InterestingWord when frame.Length < 4 => frame,
            FuzzKind.InterestingWord => Overwrite(frame, _random.Next(2) == 0
                ? EncodeLength(LengthEncoding.Int16, InterestingShorts[_random.Next(InterestingShorts.Length)])
                : EncodeLength(LengthEncoding.Int32, InterestingInts[_random.Next(InterestingInts.Length)])),
            FuzzKind.Truncate => frame[.._random.Next(0, frame.Length + 1)],
            FuzzKind.Append => [.. frame, .. RandomBytes(_random.Next(1, 64))],
            FuzzKind.Insert => Splice(frame, _random.Next(frame.Length + 1), 0, RandomBytes(_random.Next(1, 16))),
            FuzzKind.Delete => Delete(frame),
            FuzzKind.Duplicate => Duplicate(frame),
            FuzzKind.LengthHuge or FuzzKind.LengthVarintHuge or FuzzKind.LengthNear or FuzzKind.LengthAmplify => MutateLength(kind, frame, seed!, steps),
            FuzzKind.HeaderVersion => SetHeaderVersion(frame, ApiCatalog.Get(seed!.Key), steps),
            FuzzKind.HeaderApiKey => SetHeaderApiKey(frame, steps),
            _ => throw new InvalidOperationException($"Not a mutation: {kind}."),
        };
    }

    private byte[] FlipBits(byte[] frame)
    {
        var copy = (byte[])frame.Clone();
        int flips = _random.Next(1, 5);
        for (int i = 0; i < flips; i++)
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        return copy;
    }

    /// <summary>Overwrites bytes at a random offset (clipped at the end).</summary>
    private byte[] Overwrite(byte[] frame, byte[] value)
    {
        var copy = (byte[])frame.Clone();
        int at = _random.Next(Math.Max(1, copy.Length - value.Length + 1));
        value.AsSpan(0, Math.Min(value.Length, copy.Length - at)).CopyTo(copy.AsSpan(at));
        return copy;
    }

    private byte[] Delete(byte[] frame)
    {
        int at = _random.Next(frame.Length);
        return Splice(frame, at, _random.Next(1, Math.Min(16, frame.Length - at) + 1), []);
    }

    private byte[] Duplicate(byte[] frame)
    {
        int from = _random.Next(frame.Length);
        var chunk = frame.AsSpan(from, _random.Next(1, Math.Min(64, frame.Length - from) + 1)).ToArray();
        return Splice(frame, _random.Next(frame.Length + 1), 0, chunk);
    }

    /// <summary>Another version of the same API (the body then decodes against the wrong layout), or one outside its range.</summary>
    private byte[] SetHeaderVersion(byte[] frame, ApiDescriptor api, StringBuilder steps)
    {
        short version = _random.Next(4) switch
        {
            0 => (short)_random.Next(api.MinVersion, api.MaxVersion + 1),
            1 => (short)(api.MaxVersion + 1),
            2 => (short)(api.MinVersion - 1),
            _ => InterestingShorts[_random.Next(InterestingShorts.Length)],
        };
        steps.Append(version).Append(' ');
        var copy = (byte[])frame.Clone();
        BinaryPrimitives.WriteInt16BigEndian(copy.AsSpan(2), version);
        return copy;
    }

    /// <summary>Another API's key in front of this body, or a key outside the catalog.</summary>
    private byte[] SetHeaderApiKey(byte[] frame, StringBuilder steps)
    {
        short key = _random.Next(3) == 0
            ? InterestingShorts[_random.Next(InterestingShorts.Length)]
            : (short)ApiCatalog.All[_random.Next(ApiCatalog.All.Count)].Key;
        steps.Append(key).Append(' ');
        var copy = (byte[])frame.Clone();
        BinaryPrimitives.WriteInt16BigEndian(copy, key);
        return copy;
    }

    private byte[] MutateLength(FuzzKind kind, byte[] frame, FuzzSeed seed, StringBuilder steps)
    {
        var field = seed.Lengths[_random.Next(seed.Lengths.Length)];
        int after = frame.Length - field.Offset - field.Width; // bytes after the prefix
        steps.Append(field.What).Append(' ');
        if (kind == FuzzKind.LengthAmplify)
            return Amplify(frame, field, steps);
        if (kind == FuzzKind.LengthVarintHuge && field.Encoding == LengthEncoding.UnsignedVarint)
            return MalformVarint(frame, field, steps);

        long value = kind switch
        {
            FuzzKind.LengthHuge => field.Encoding switch
            {
                LengthEncoding.Int16 => Pick<long>(short.MaxValue, short.MaxValue - 1, -2, short.MinValue, after + 1),
                LengthEncoding.Int32 => Pick<long>(int.MaxValue, int.MaxValue - 1, 0x40000000, 0x01000000, -2, int.MinValue, after + 1),
                _ => Pick<long>(uint.MaxValue, (long)int.MaxValue + 1, int.MaxValue, 0x10000000, after + 2),
            },
            FuzzKind.LengthVarintHuge => field.Encoding == LengthEncoding.Int16 ? short.MaxValue : int.MaxValue,
            _ => _random.Next(6) switch
            {
                0 => field.Value + 1,
                1 => field.Value - 1,
                2 => field.Value + _random.Next(2, 9),
                3 => field.Value - _random.Next(2, 9),
                4 => 0,
                _ => field.Encoding == LengthEncoding.UnsignedVarint ? after + 1 : after,
            },
        };
        steps.Append(value).Append(' ');
        return Splice(frame, field.Offset, field.Width, EncodeLength(field.Encoding, value));
    }

    /// <summary>Encodings the writer never produces: over-long (6+ bytes), 5 bytes with high bits set, or cut off at the end.</summary>
    private byte[] MalformVarint(byte[] frame, LengthField field, StringBuilder steps)
    {
        byte[] raw = Pick<byte[]>([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        steps.Append(Convert.ToHexString(raw)).Append(' ');
        return _random.Next(4) == 0
            ? [.. frame.AsSpan(0, field.Offset), .. raw.AsSpan(0, _random.Next(1, raw.Length))]
            : Splice(frame, field.Offset, field.Width, raw);
    }

    /// <summary>
    /// A count or length as large as the bytes can back, supplied as 0x00 or 0x01 bytes (empty strings, zero counts,
    /// null or empty compact values, empty tagged sections): the most decoded objects per frame byte.
    /// </summary>
    private byte[] Amplify(byte[] frame, LengthField field, StringBuilder steps)
    {
        int count = _random.Next(16, 4096);
        long value = field.Encoding == LengthEncoding.UnsignedVarint ? count + 1L : Math.Min(count, short.MaxValue);
        byte fill = (byte)_random.Next(2);
        int elementSize = Math.Max(field.MinElementSize, 1) * (1 << _random.Next(5)); // the real size is often larger
        var padding = new byte[count * elementSize];
        Array.Fill(padding, fill);
        steps.Append(count).Append('x').Append(elementSize).Append('x').Append(fill).Append(' ');
        return Splice(frame, field.Offset, field.Width, [.. EncodeLength(field.Encoding, value), .. padding]);
    }

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];

    /// <summary>A length prefix in the given encoding (varints clamped to 0..uint.MaxValue).</summary>
    public static byte[] EncodeLength(LengthEncoding encoding, long value)
    {
        switch (encoding)
        {
            case LengthEncoding.Int16:
                var int16 = new byte[2];
                BinaryPrimitives.WriteInt16BigEndian(int16, (short)value);
                return int16;
            case LengthEncoding.Int32:
                var int32 = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(int32, (int)value);
                return int32;
            default:
                var varint = new byte[Varint.MaxVarintBytes];
                int written = Varint.WriteUnsignedVarint(varint, (uint)Math.Clamp(value, 0, uint.MaxValue));
                return varint[..written];
        }
    }

    private static byte[] Splice(byte[] source, int offset, int remove, ReadOnlySpan<byte> insert)
        => [.. source.AsSpan(0, offset), .. insert, .. source.AsSpan(offset + remove)];

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private static void AddInt16(List<byte> bytes, short value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }

    private static void AddInt32(List<byte> bytes, int value)
    {
        AddInt16(bytes, (short)(value >> 16));
        AddInt16(bytes, (short)value);
    }
}
