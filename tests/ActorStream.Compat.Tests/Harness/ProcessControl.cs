using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorStream.Compat.Tests.Harness;

/// <summary>Signals and clean-up shared by the processes the suite starts (nodes, client scripts, group members).</summary>
internal static class ProcessControl
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>kill(2): Process.Kill is SIGKILL only, and SIGTERM is what runs a clean shutdown. A process already gone is fine.</summary>
    public static void Signal(Process process, int signal, string description)
    {
        if (NativeMethods.kill(process.Id, signal) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (!process.HasExited)
                throw new Win32Exception(errno, $"kill({process.Id}, {signal}) failed for {description}");
        }
    }

    /// <summary>Kills the whole process tree if it still runs, waits for it, and releases the handle.</summary>
    public static async ValueTask KillAndDisposeAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }

        process.Dispose();
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SA1300, IDE1006 // the libc name
        internal static extern int kill(int pid, int sig);
#pragma warning restore SA1300, IDE1006
    }
}
