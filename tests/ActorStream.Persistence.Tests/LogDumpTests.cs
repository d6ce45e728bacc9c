using System.Text;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Persistence.Tests;

public class LogDumpTests
{
    [Fact]
    public async Task Dump_prints_batches_and_records()
    {
        using var dir = new TempDirectory();
        await using (var log = Log.Open(dir.Path))
        {
            await log.AppendAsLeaderAsync(Batches.Make(2, timestamp: 5000));
            using var builder = new RecordBatchBuilder(new RecordBatchOptions { ProducerId = 77 });
            builder.Append(6000, Encoding.UTF8.GetBytes("bin"), new byte[] { 0, 1, 2 }, [new RecordHeader("h", Encoding.UTF8.GetBytes("hv"))]);
            await log.AppendAsLeaderAsync(builder.ToArray());
        }

        var output = new StringWriter();
        LogDump.Dump(dir.Path, output, printRecords: true);
        var text = output.ToString();
        Assert.Contains("00000000000000000000.log", text, StringComparison.Ordinal);
        Assert.Contains("baseOffset: 0 lastOffset: 1 count: 2 position: 0", text, StringComparison.Ordinal);
        Assert.Contains("producerId: 77", text, StringComparison.Ordinal);
        Assert.Contains("crcValid: True", text, StringComparison.Ordinal);
        Assert.Contains("| offset: 1 timestamp: 5001 key: k1 value: v1", text, StringComparison.Ordinal);
        Assert.Contains("| offset: 2 timestamp: 6000 key: bin value: 0x000102 headers: h=hv", text, StringComparison.Ordinal);

        var single = new StringWriter();
        LogDump.Dump(Path.Combine(dir.Path, "00000000000000000000.log"), single);
        Assert.DoesNotContain("| offset", single.ToString(), StringComparison.Ordinal);
        Assert.Contains("baseOffset: 2", single.ToString(), StringComparison.Ordinal);
    }
}
