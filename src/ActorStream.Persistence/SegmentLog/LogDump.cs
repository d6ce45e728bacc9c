using System.Globalization;
using System.Text;
using ActorStream.Records;

namespace ActorStream.Persistence.SegmentLog;

/// <summary>
/// Prints the batches of a log directory or a single <c>.log</c> file, as Kafka's DumpLogSegments does;
/// <c>actorstream log dump</c> calls it. Reads files only, so it works on a log another process has open.
/// </summary>
public static class LogDump
{
    /// <summary>Dumps every segment of a directory (in offset order) or one segment file.</summary>
    public static void Dump(string path, TextWriter output, bool printRecords = false)
    {
        var files = System.IO.Directory.Exists(path)
            ? System.IO.Directory.GetFiles(path, "*" + LogSegment.LogSuffix).Order(StringComparer.Ordinal).ToArray()
            : [path];
        foreach (var file in files)
            DumpFile(file, output, printRecords);
    }

    private static void DumpFile(string file, TextWriter output, bool printRecords)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(culture, $"Dumping {file}"));
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(handle);
        using var reader = new BatchFileReader(handle, 0, length, validateCrc: false);
        while (reader.MoveNext())
        {
            var batch = reader.CurrentBatch;
            output.WriteLine(string.Create(culture,
                $"baseOffset: {batch.BaseOffset} lastOffset: {batch.LastOffset} count: {batch.RecordCount} position: {reader.Position} size: {batch.SizeInBytes} "
                + $"baseTimestamp: {batch.BaseTimestamp} maxTimestamp: {batch.MaxTimestamp} timestampType: {batch.TimestampType} producerId: {batch.ProducerId} "
                + $"producerEpoch: {batch.ProducerEpoch} baseSequence: {batch.BaseSequence} leaderEpoch: {batch.PartitionLeaderEpoch} isTransactional: {batch.IsTransactional} "
                + $"isControl: {batch.IsControl} compression: {batch.Compression} crc: 0x{batch.Crc:X8} crcValid: {batch.IsValid}"));
            if (!printRecords)
                continue;
            if (!RecordCompression.CanDecompress(batch.Compression))
            {
                output.WriteLine(string.Create(culture, $"| (records compressed with {batch.Compression} cannot be decoded by this build)"));
                continue;
            }

            try
            {
                foreach (var record in batch.GetRecords())
                {
                    var line = new StringBuilder();
                    line.Append(culture, $"| offset: {record.Offset} timestamp: {record.Timestamp} key: {Show(record.Key, record.IsKeyNull)} value: {Show(record.Value, record.IsValueNull)}");
                    if (record.HeaderCount > 0)
                    {
                        line.Append(" headers:");
                        foreach (var header in record.Headers)
                            line.Append(culture, $" {header.GetKeyString()}={Show(header.Value, header.IsValueNull)}");
                    }

                    output.WriteLine(line.ToString());
                }
            }
            catch (CorruptRecordException e)
            {
                output.WriteLine(string.Create(culture, $"| records are corrupt: {e.Message}"));
            }
        }

        if (reader.Error != ScanError.None)
            output.WriteLine(string.Create(culture, $"Stopped at position {reader.ErrorPosition}: {reader.Error} ({reader.ErrorReason}); {length - reader.ValidEnd} bytes not dumped"));
    }

    /// <summary>Text when every byte is printable UTF-8, hex otherwise.</summary>
    private static string Show(ReadOnlySpan<byte> bytes, bool isNull)
    {
        if (isNull)
            return "null";
        bool printable = true;
        foreach (byte b in bytes)
        {
            if (b < 0x20 || b == 0x7F)
            {
                printable = false;
                break;
            }
        }

        if (printable && Encoding.UTF8.GetCharCount(bytes) > 0 && !Encoding.UTF8.GetString(bytes).Contains('\uFFFD', StringComparison.Ordinal))
            return Encoding.UTF8.GetString(bytes);
        return bytes.IsEmpty ? "\"\"" : "0x" + Convert.ToHexString(bytes);
    }
}
