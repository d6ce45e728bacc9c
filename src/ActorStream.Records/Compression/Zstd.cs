using System.Runtime.InteropServices;

namespace ActorStream.Records.Compression;

/// <summary>Zstandard through the system's libzstd: streaming decompression (Kafka's frames need not state their size).</summary>
internal static unsafe class Zstd
{
    // Kafka's default zstd level.
    private const int Level = 3;

    private static readonly Api? Native = Api.Load();

    public static bool IsAvailable => Native is not null;

    public static void Decompress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        var api = Native ?? throw new UnsupportedCompressionException(CompressionType.Zstd);
        nint context = api.CreateDCtx();
        if (context == 0)
            throw new OutOfMemoryException("libzstd could not create a decompression context");
        try
        {
            fixed (byte* source = input)
            {
                var inBuffer = new InBuffer { Source = source, Size = (nuint)input.Length, Position = 0 };
                nuint hint = 1;
                while (inBuffer.Position < inBuffer.Size || hint != 0)
                {
                    var target = output.GetSpan(64 * 1024);
                    fixed (byte* destination = target)
                    {
                        var outBuffer = new OutBuffer { Destination = destination, Size = (nuint)target.Length, Position = 0 };
                        nuint before = inBuffer.Position;
                        hint = Check(api.DecompressStream(context, &outBuffer, &inBuffer));
                        output.Advance((int)outBuffer.Position);
                        if (hint != 0 && inBuffer.Position == inBuffer.Size && outBuffer.Position < outBuffer.Size && before == inBuffer.Position)
                            throw new CorruptRecordException("zstd data is corrupt: the frame is cut short", RecordBatchLayout.RecordsOffset);
                    }
                }
            }
        }
        finally
        {
            api.FreeDCtx(context);
        }
    }

    public static void Compress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        var api = Native ?? throw new UnsupportedCompressionException(CompressionType.Zstd);
        var target = output.GetSpan(checked((int)api.CompressBound((nuint)input.Length)));
        fixed (byte* source = input)
        fixed (byte* destination = target)
        {
            nuint written = Check(api.Compress(destination, (nuint)target.Length, source, (nuint)input.Length, Level));
            output.Advance((int)written);
        }
    }

    private static nuint Check(nuint result)
    {
        var api = Native!;
        if (api.IsError(result) != 0)
            throw new CorruptRecordException($"zstd data is corrupt: {Marshal.PtrToStringUTF8(api.GetErrorName(result))}", RecordBatchLayout.RecordsOffset);
        return result;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct InBuffer
    {
        public byte* Source;
        public nuint Size;
        public nuint Position;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OutBuffer
    {
        public byte* Destination;
        public nuint Size;
        public nuint Position;
    }

    private sealed class Api
    {
        public delegate* unmanaged<nint> CreateDCtx;
        public delegate* unmanaged<nint, nuint> FreeDCtx;
        public delegate* unmanaged<nint, OutBuffer*, InBuffer*, nuint> DecompressStream;
        public delegate* unmanaged<nuint, nuint> CompressBound;
        public delegate* unmanaged<byte*, nuint, byte*, nuint, int, nuint> Compress;
        public delegate* unmanaged<nuint, uint> IsError;
        public delegate* unmanaged<nuint, nint> GetErrorName;

        public static Api? Load()
        {
            nint library = NativeCodec.Load("libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib", "libzstd.dll", "zstd.dll");
            var api = new Api
            {
                CreateDCtx = (delegate* unmanaged<nint>)NativeCodec.Export(library, "ZSTD_createDCtx"),
                FreeDCtx = (delegate* unmanaged<nint, nuint>)NativeCodec.Export(library, "ZSTD_freeDCtx"),
                DecompressStream = (delegate* unmanaged<nint, OutBuffer*, InBuffer*, nuint>)NativeCodec.Export(library, "ZSTD_decompressStream"),
                CompressBound = (delegate* unmanaged<nuint, nuint>)NativeCodec.Export(library, "ZSTD_compressBound"),
                Compress = (delegate* unmanaged<byte*, nuint, byte*, nuint, int, nuint>)NativeCodec.Export(library, "ZSTD_compress"),
                IsError = (delegate* unmanaged<nuint, uint>)NativeCodec.Export(library, "ZSTD_isError"),
                GetErrorName = (delegate* unmanaged<nuint, nint>)NativeCodec.Export(library, "ZSTD_getErrorName"),
            };
            return api.CreateDCtx == null || api.FreeDCtx == null || api.DecompressStream == null || api.CompressBound == null
                || api.Compress == null || api.IsError == null || api.GetErrorName == null
                ? null
                : api;
        }
    }
}
