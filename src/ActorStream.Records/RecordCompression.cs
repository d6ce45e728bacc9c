using System.IO.Compression;

namespace ActorStream.Records;

/// <summary>
/// Codecs for the records section of a batch: gzip from the BCL, snappy in managed code, lz4 and zstd through the
/// system's liblz4 and libzstd (.NET has neither). Where such a library is missing, that codec's batches are still
/// stored and served unchanged, only not decoded (<see cref="CanDecompress"/> says so).
/// </summary>
public static class RecordCompression
{
    public static bool CanDecompress(CompressionType codec) => codec switch
    {
        CompressionType.None or CompressionType.Gzip or CompressionType.Snappy => true,
        CompressionType.Lz4 => Compression.Lz4.IsAvailable,
        CompressionType.Zstd => Compression.Zstd.IsAvailable,
        _ => false,
    };

    public static bool CanCompress(CompressionType codec) => CanDecompress(codec);

    internal static void ThrowIfUnsupported(CompressionType codec)
    {
        if ((int)codec > (int)CompressionType.Zstd || codec < 0)
            throw new CorruptRecordException($"unknown compression codec id {(int)codec}", RecordBatchLayout.AttributesOffset);
        if (!CanDecompress(codec))
            throw new UnsupportedCompressionException(codec);
    }

    /// <summary>Compresses <paramref name="source"/> onto the end of <paramref name="destination"/>.</summary>
    internal static void Compress(CompressionType codec, ReadOnlySpan<byte> source, PooledBuffer destination)
    {
        ThrowIfUnsupported(codec);
        switch (codec)
        {
            case CompressionType.None:
                destination.Write(source);
                return;
            case CompressionType.Snappy:
                Compression.Snappy.Compress(source, destination);
                return;
            case CompressionType.Lz4:
                Compression.Lz4.Compress(source, destination);
                return;
            case CompressionType.Zstd:
                Compression.Zstd.Compress(source, destination);
                return;
        }

        using var sink = new PooledBufferStream(destination);
        using (var gzip = new GZipStream(sink, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(source);
    }

    /// <summary>Decompresses a records section; more than <paramref name="maxBytes"/> of output is corruption (a bomb), not a crash.</summary>
    internal static DecompressedRecords Decompress(CompressionType codec, ReadOnlySpan<byte> compressed, int maxBytes = int.MaxValue)
    {
        ThrowIfUnsupported(codec);
        var output = new PooledBuffer((int)Math.Min(Math.Max(4096L, compressed.Length * 4L), Math.Max(maxBytes, 1))) { Limit = Math.Min(maxBytes, Array.MaxLength) };
        try
        {
            switch (codec)
            {
                case CompressionType.Snappy:
                    Compression.Snappy.Decompress(compressed, output);
                    break;
                case CompressionType.Lz4:
                    Compression.Lz4.Decompress(compressed, output);
                    break;
                case CompressionType.Zstd:
                    Compression.Zstd.Decompress(compressed, output);
                    break;
                case CompressionType.Gzip:
                    Gunzip(compressed, output);
                    break;
                default:
                    output.Write(compressed);
                    break;
            }

            return output.Detach();
        }
        catch (InvalidOperationException e)
        {
            // PooledBuffer's limit.
            output.Dispose();
            throw new CorruptRecordException($"{codec} records decompress to {e.Message}", RecordBatchLayout.RecordsOffset, e);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            // A codec that trips over hostile input must still say "corrupt", never crash its caller.
            output.Dispose();
            throw new CorruptRecordException($"{codec} data is corrupt: {e.Message}", RecordBatchLayout.RecordsOffset, e);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private static unsafe void Gunzip(ReadOnlySpan<byte> compressed, PooledBuffer output)
    {
        try
        {
            // Pinning lets the inflater read the caller's bytes in place instead of copying them first.
            fixed (byte* pointer = compressed)
            {
                using var input = new UnmanagedMemoryStream(pointer, compressed.Length);
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                while (true)
                {
                    var target = output.GetSpan(64 * 1024);
                    int read = gzip.Read(target);
                    if (read == 0)
                        break;
                    output.Advance(read);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new CorruptRecordException($"Gzip data is corrupt: {e.Message}", RecordBatchLayout.RecordsOffset, e);
        }
    }
}
