using System.Runtime.InteropServices;

namespace ActorStream.Persistence.SegmentLog;

/// <summary>
/// fsync of a directory. A rename or a new file is a change to its directory, which the file's own fsync does not
/// make durable: without this, a power loss can undo a compaction swap's rename while keeping a later one (Kafka's
/// Utils.flushDir). Linux and other Unix systems only; elsewhere .NET has no way and it does nothing. A file system
/// that cannot fsync a directory (EINVAL, as some network and FUSE ones answer) is not an error, as in PostgreSQL;
/// a C library without open/fsync turns it off.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY, the same on every Unix
    private const int Einval = 22; // the same on Linux, macOS and the BSDs

    private static volatile bool s_unavailable = OperatingSystem.IsWindows();

    // "libc" alone resolves to libc.so, which glibc ships only with its -dev package (and then as a linker script):
    // ask for glibc's soname first, then let the runtime look.
    static DirectorySync() =>
        NativeLibrary.SetDllImportResolver(typeof(DirectorySync).Assembly, (name, assembly, path) =>
            name == "libc" && NativeLibrary.TryLoad("libc.so.6", out var handle) ? handle : IntPtr.Zero);

    public static void Flush(string directory)
    {
        if (s_unavailable)
            return;
        int fd;
        try
        {
            fd = Open(directory, ReadOnly);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return;
        }

        if (fd < 0)
            throw new IOException($"cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != Einval)
                throw new IOException($"fsync of directory {directory} failed (errno {errno})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
