using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using ActorStream.Actors;
using ActorStream.Benchmarks;
using ActorStream.Hocon;

// Usage: dotnet run -c Release --project tests/ActorStream.Benchmarks -- [actors|all|pingpong|fanout|ask|log] [--quick]
//        [--throughput N] [--messages N] [--repeat N]
var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: [actors|all|pingpong|fanout|ask|log] [--quick] [--throughput N] [--messages N] [--repeat N]");
    return 2;
}

Console.WriteLine("ActorStream benchmarks");
Console.WriteLine($"  machine:   {Environment.ProcessorCount} logical processors, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
Console.WriteLine($"  runtime:   {RuntimeInformation.FrameworkDescription}, server GC {GCSettings.IsServerGC}, latency mode {GCSettings.LatencyMode}");
#if DEBUG
Console.WriteLine("  build:     DEBUG (numbers are meaningless; use -c Release)");
#endif
Console.WriteLine($"  run:       suite {options.Suite}, {options.Messages:N0} msgs per throughput run, {options.Asks:N0} asks, " +
    $"{options.Repetitions} repetitions (median [min..max]), dispatcher throughput {options.Throughput?.ToString(CultureInfo.InvariantCulture) ?? "default"}");
Console.WriteLine();

if (options.Suite is "log" or "all")
{
    await LogBenchmark.RunAll(options.Repetitions, quick: options.Messages < 10_000_000);
    if (options.Suite == "log")
    {
        return 0;
    }
}

var config = options.Throughput is { } throughput
    ? ConfigFactory.ParseString($"actorstream.actor.default-dispatcher.throughput = {throughput}", "benchmark")
    : null;
var system = ActorSystem.Create("bench", config);
Console.WriteLine($"  effective dispatcher throughput: {system.Settings.GetInt("actorstream.actor.default-dispatcher.throughput")}");
Console.WriteLine();

var table = new ResultTable();
table.PrintHeader();
try
{
    if (options.Includes("pingpong"))
    {
        int[] pairCounts = [.. new[] { 1, 2, 4, Environment.ProcessorCount * 2 }.Distinct().Order()];
        foreach (var kind in new[] { PingPongBenchmark.ActorKind.Untyped, PingPongBenchmark.ActorKind.Receive })
        {
            foreach (var inFlight in new[] { 1, 100 })
            {
                foreach (var pairs in pairCounts)
                {
                    table.Print(() => PingPongBenchmark.Run(options, system, pairs, inFlight, kind), $"ping-pong {kind} P={pairs} K={inFlight}");
                }
            }
        }
    }

    if (options.Includes("fanout"))
    {
        foreach (var receivers in new[] { 1, Environment.ProcessorCount * 2, 64 }.Distinct().Order())
        {
            table.Print(() => FanOutBenchmark.Run(options, system, receivers), $"fan-out M={receivers}");
        }
    }

    if (options.Includes("ask"))
    {
        foreach (var row in AskLatencyBenchmark.Run(options, system))
        {
            table.Print(row);
        }
    }
}
finally
{
    await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
}

table.PrintFooter();
return 0;

namespace ActorStream.Benchmarks
{
    internal sealed record Options(string Suite, long Messages, int Asks, int Repetitions, int? Throughput)
    {
        public bool Includes(string benchmark) => Suite is "all" or "actors" || Suite == benchmark;

        public static Options? Parse(string[] args)
        {
            var suite = "all";
            var quick = false;
            long? messages = null;
            int? repeat = null;
            int? throughput = null;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--quick":
                        quick = true;
                        break;
                    case "--throughput" when i + 1 < args.Length:
                        throughput = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--messages" when i + 1 < args.Length:
                        messages = long.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--timeout" when i + 1 < args.Length:
                        Completion.Timeout = TimeSpan.FromSeconds(int.Parse(args[++i], CultureInfo.InvariantCulture));
                        break;
                    case "--repeat" when i + 1 < args.Length:
                        repeat = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "all" or "actors" or "pingpong" or "fanout" or "ask" or "log":
                        suite = args[i];
                        break;
                    default:
                        return null;
                }
            }

            return new Options(suite, messages ?? (quick ? 1_000_000 : 10_000_000), quick ? 20_000 : 100_000, repeat ?? 5, throughput);
        }
    }

    internal sealed class ResultTable
    {
        private static readonly CompositeFormat Format = CompositeFormat.Parse("{0,-10} {1,-30} {2,14} {3,27} {4,-6} {5,10} {6,10}");

        public void PrintHeader()
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Format, "benchmark", "config", "median", "[min .. max]", "unit", "bytes/msg", "gc 0/1/2"));
            Console.WriteLine(new string('-', 114));
        }

        /// <summary>Runs one benchmark and prints its row; a stalled run is reported and the suite goes on.</summary>
        public void Print(Func<ResultRow> benchmark, string name)
        {
            try
            {
                Print(benchmark());
            }
            catch (TimeoutException e)
            {
                Console.WriteLine($"{name}: {e.Message}");
            }
        }

        public void Print(ResultRow row) => Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture, Format, row.Benchmark, row.Config, Number(row.Median),
            $"[{Number(row.Min)} .. {Number(row.Max)}]", row.Unit, row.BytesPerMessage.ToString("0.00", CultureInfo.InvariantCulture), row.Gcs));

        public void PrintFooter()
        {
            Console.WriteLine(new string('-', 114));
            Console.WriteLine("bytes/msg: GC.GetTotalAllocatedBytes(precise) over the measured phase (all threads) / messages; gc: collections in the median run.");
        }

        private static string Number(double value) =>
            value >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.0", CultureInfo.InvariantCulture);
    }
}
