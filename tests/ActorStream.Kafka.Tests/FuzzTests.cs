using ActorStream.Kafka.Protocol;

namespace ActorStream.Kafka.Tests;

/// <summary>Mutated frames either decode or fail with <see cref="ProtocolException"/>; nothing else may escape.</summary>
public class FuzzTests
{
    [Fact]
    public void Ten_thousand_mutated_frames_decode_or_throw_protocol_exception()
    {
        var random = new Random(20241122);
        var seeds = ApiCatalog.All
            .SelectMany(api => new[] { api.MinVersion, api.MaxVersion, (short)((api.MinVersion + api.MaxVersion) / 2) }
                .Distinct()
                .SelectMany(v => new[]
                {
                    (api.Key, v, Request: true, Frame: Samples.RequestFrame(api.Key, v, 1 + (v % 2))),
                    (api.Key, v, Request: false, Frame: Samples.ResponseFrame(api.Key, v, 1 + (v % 2))),
                }))
            .ToArray();

        int decoded = 0;
        for (int i = 0; i < 10_000; i++)
        {
            var (key, version, request, frame) = seeds[random.Next(seeds.Length)];
            byte[] mutated = Mutate(frame, random);
            try
            {
                if (request)
                    KafkaFrames.DecodeRequest(mutated);
                else
                    KafkaFrames.DecodeResponse(mutated, key, version, out _);
                decoded++;
            }
            catch (ProtocolException)
            {
            }
        }

        // Some mutations (e.g. in a string's bytes) stay valid; most do not.
        Assert.InRange(decoded, 1, 9_999);
    }

    private static byte[] Mutate(byte[] frame, Random random)
    {
        var bytes = frame.ToList();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: bytes.RemoveAt(at); break;
                case 3: bytes.Insert(at, (byte)random.Next(256)); break;
                case 4: bytes[at] = 0xFF; break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return [.. bytes];
    }
}
