using System.Buffers;
using System.IO.Compression;

namespace ActorStream.Records;

/// <summary>
/// Codecs for the records section of a batch. gzip comes from the BCL. .NET 10's System.IO.Compression has
/// no Zstandard (nor snappy or lz4), so those batches can be stored and forwarded but not decoded.
/// </summary>
public static class RecordCompression
{
    public static bool CanDecompress(CompressionType codec) => codec is CompressionType.None or CompressionType.Gzip;

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
        if (codec == CompressionType.None)
        {
            destination.Write(source);
            return;
        }

        using var sink = new PooledBufferStream(destination);
        using (var gzip = new GZipStream(sink, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(source);
    }

    internal static unsafe DecompressedRecords Decompress(CompressionType codec, ReadOnlySpan<byte> compressed)
    {
        ThrowIfUnsupported(codec);
        byte[] array = ArrayPool<byte>.Shared.Rent(Math.Max(4096, compressed.Length * 4));
        int length = 0;
        try
        {
            // Pinning lets the inflater read the caller's bytes in place instead of copying them first.
            fixed (byte* pointer = compressed)
            {
                using var input = new UnmanagedMemoryStream(pointer, compressed.Length);
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                while (true)
                {
                    if (length == array.Length)
                    {
                        if (array.Length >= Array.MaxLength)
                            throw new CorruptRecordException("decompressed records exceed the largest possible array", RecordBatchLayout.RecordsOffset);
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)array.Length * 2, Array.MaxLength));
                        array.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(array);
                        array = bigger;
                    }

                    int read = gzip.Read(array, length, array.Length - length);
                    if (read == 0)
                        break;
                    length += read;
                }
            }

            return new DecompressedRecords(array, length);
        }
        catch (InvalidDataException e)
        {
            ArrayPool<byte>.Shared.Return(array);
            throw new CorruptRecordException($"{codec} data is corrupt: {e.Message}", RecordBatchLayout.RecordsOffset, e);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }
}
