using System.Runtime.InteropServices;

namespace ActorStream.Records.Compression;

/// <summary>
/// LZ4 as Kafka uses it: the LZ4 frame format (magic 0x184D2204) with independent 64 KiB blocks, through the system's
/// liblz4 (LZ4F API).
/// </summary>
internal static unsafe class Lz4
{
    private const uint FrameVersion = 100; // LZ4F_VERSION
    private const int BlockIndependent = 1;

    private const uint FrameMagic = 0x184D2204;

    private static readonly Api? Native = Api.Load();

    public static bool IsAvailable => Native is not null;

    /// <summary>
    /// Kafka's magic-0 messages computed the frame's header checksum over the magic number too (KAFKA-3160); the
    /// copy returned has the checksum liblz4 expects. Input that is not an LZ4 frame is returned as it is.
    /// </summary>
    public static byte[] FixLegacyHeaderChecksum(ReadOnlySpan<byte> frame)
    {
        var copy = frame.ToArray();
        if (copy.Length < 7 || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(copy) != FrameMagic)
            return copy;
        byte flags = copy[4];
        int descriptorEnd = 6 + ((flags & 0x08) != 0 ? 8 : 0) + ((flags & 0x01) != 0 ? 4 : 0); // content size, dictionary id
        if (copy.Length <= descriptorEnd)
            return copy;
        copy[descriptorEnd] = (byte)(XxHash32.Hash(copy.AsSpan(4, descriptorEnd - 4)) >> 8);
        return copy;
    }

    public static void Decompress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        var api = Native ?? throw new UnsupportedCompressionException(CompressionType.Lz4);
        nint context;
        Check(api.CreateDecompressionContext(&context, FrameVersion));
        try
        {
            fixed (byte* source = input)
            {
                int consumed = 0;
                nuint hint = 1;
                while (consumed < input.Length || hint != 0)
                {
                    var target = output.GetSpan(64 * 1024);
                    fixed (byte* destination = target)
                    {
                        nuint written = (nuint)target.Length;
                        nuint read = (nuint)(input.Length - consumed);
                        hint = Check(api.Decompress(context, destination, &written, source + consumed, &read, null));
                        consumed += (int)read;
                        output.Advance((int)written);
                        if (hint != 0 && consumed == input.Length && written == 0)
                            throw new CorruptRecordException("lz4 data is corrupt: the frame is cut short", RecordBatchLayout.RecordsOffset);
                    }
                }
            }
        }
        finally
        {
            api.FreeDecompressionContext(context);
        }
    }

    public static void Compress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        var api = Native ?? throw new UnsupportedCompressionException(CompressionType.Lz4);
        var preferences = new Preferences { BlockMode = BlockIndependent };
        nuint bound = api.CompressFrameBound((nuint)input.Length, &preferences);
        var target = output.GetSpan(checked((int)bound));
        fixed (byte* source = input)
        fixed (byte* destination = target)
        {
            nuint written = Check(api.CompressFrame(destination, (nuint)target.Length, source, (nuint)input.Length, &preferences));
            output.Advance((int)written);
        }
    }

    private static nuint Check(nuint result)
    {
        var api = Native!;
        if (api.IsError(result) != 0)
            throw new CorruptRecordException($"lz4 data is corrupt: {Marshal.PtrToStringUTF8(api.GetErrorName(result))}", RecordBatchLayout.RecordsOffset);
        return result;
    }

    // LZ4F_preferences_t (lz4frame.h, stable since 1.8): frame info, then level and flags.
    [StructLayout(LayoutKind.Sequential)]
    private struct Preferences
    {
        public int BlockSizeId;
        public int BlockMode;
        public int ContentChecksum;
        public int FrameType;
        public ulong ContentSize;
        public uint DictId;
        public int BlockChecksum;
        public int CompressionLevel;
        public uint AutoFlush;
        public uint FavorDecompressionSpeed;
        public uint Reserved0;
        public uint Reserved1;
        public uint Reserved2;
    }

    private sealed class Api
    {
        public delegate* unmanaged<nint*, uint, nuint> CreateDecompressionContext;
        public delegate* unmanaged<nint, nuint> FreeDecompressionContext;
        public delegate* unmanaged<nint, byte*, nuint*, byte*, nuint*, void*, nuint> Decompress;
        public delegate* unmanaged<nuint, Preferences*, nuint> CompressFrameBound;
        public delegate* unmanaged<byte*, nuint, byte*, nuint, Preferences*, nuint> CompressFrame;
        public delegate* unmanaged<nuint, uint> IsError;
        public delegate* unmanaged<nuint, nint> GetErrorName;

        public static Api? Load()
        {
            nint library = NativeCodec.Load("liblz4.so.1", "liblz4.so", "liblz4.1.dylib", "liblz4.dylib", "liblz4.dll", "lz4.dll");
            var api = new Api
            {
                CreateDecompressionContext = (delegate* unmanaged<nint*, uint, nuint>)NativeCodec.Export(library, "LZ4F_createDecompressionContext"),
                FreeDecompressionContext = (delegate* unmanaged<nint, nuint>)NativeCodec.Export(library, "LZ4F_freeDecompressionContext"),
                Decompress = (delegate* unmanaged<nint, byte*, nuint*, byte*, nuint*, void*, nuint>)NativeCodec.Export(library, "LZ4F_decompress"),
                CompressFrameBound = (delegate* unmanaged<nuint, Preferences*, nuint>)NativeCodec.Export(library, "LZ4F_compressFrameBound"),
                CompressFrame = (delegate* unmanaged<byte*, nuint, byte*, nuint, Preferences*, nuint>)NativeCodec.Export(library, "LZ4F_compressFrame"),
                IsError = (delegate* unmanaged<nuint, uint>)NativeCodec.Export(library, "LZ4F_isError"),
                GetErrorName = (delegate* unmanaged<nuint, nint>)NativeCodec.Export(library, "LZ4F_getErrorName"),
            };
            return api.CreateDecompressionContext == null || api.FreeDecompressionContext == null || api.Decompress == null || api.CompressFrameBound == null
                || api.CompressFrame == null || api.IsError == null || api.GetErrorName == null
                ? null
                : api;
        }
    }
}
