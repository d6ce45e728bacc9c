using System.Runtime.InteropServices;

namespace ActorStream.Records.Compression;

/// <summary>
/// Finds a system compression library (liblz4, libzstd: present on every Debian and in the .NET container images) at
/// first use. Without it the codec is reported unavailable and batches using it are stored and served unread, as
/// before; nothing fails at start.
/// </summary>
internal static class NativeCodec
{
    public static nint Load(params string[] names)
    {
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, typeof(NativeCodec).Assembly, null, out var handle))
                return handle;
        }

        return 0;
    }

    public static nint Export(nint library, string name) =>
        library != 0 && NativeLibrary.TryGetExport(library, name, out var address) ? address : 0;
}
