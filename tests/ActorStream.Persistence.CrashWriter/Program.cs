using System.Globalization;
using System.Text;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

// Appends batches forever with flush.messages=1 and prints each acknowledged (fsynced) last offset, so a test
// can SIGKILL it at any moment and check that recovery keeps every acknowledged offset.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: CrashWriter <log directory>");
    return 2;
}

var config = new LogConfig { FlushMessages = 1, SegmentBytes = 4 * 1024 * 1024, IndexIntervalBytes = 4096 };
await using var log = Log.Open(args[0], config);
using var builder = new RecordBatchBuilder();
var stdout = Console.Out;
// Optional cap so repeated crash rounds do not fill the disk; after it the writer idles until killed.
long maxRounds = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : long.MaxValue;
for (long i = 0; ; i++)
{
    if (i >= maxRounds)
    {
        await Task.Delay(Timeout.Infinite);
    }

    var pending = new Task<LogAppendInfo>[8];
    for (int t = 0; t < pending.Length; t++)
    {
        builder.Reset();
        int records = 1 + (int)((i + t) % 5);
        for (int r = 0; r < records; r++)
            builder.Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Encoding.UTF8.GetBytes("k" + r), Encoding.UTF8.GetBytes(new string('v', 50 + r)));
        pending[t] = log.AppendAsLeaderAsync(builder.ToArray());
    }

    foreach (var task in pending)
    {
        var info = await task;
        stdout.WriteLine(info.LastOffset.ToString(CultureInfo.InvariantCulture));
    }

    stdout.Flush();
}
