using ActorStream.Actors;
using ActorStream.Persistence.SegmentLog;
using ActorStream.TestKit.Logging;
using Xunit.Abstractions;

namespace ActorStream.Persistence.Tests;

/// <summary>A persistent actor on the segment-log journal, across a restart of the whole actor system.</summary>
public sealed class SegmentLogJournalActorTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorstream-pa-").FullName;

    public sealed record Deposited(string Account, int Amount);

    private sealed class Account(string id, IActorRef probe) : PersistentActor
    {
        private int _balance;

        public override string PersistenceId => id;

        protected override bool ReceiveRecover(object message)
        {
            switch (message)
            {
                case Deposited d:
                    _balance += d.Amount;
                    return true;
                case RecoveryCompleted:
                    probe.Tell($"balance {_balance} at {LastSequenceNr}", Self);
                    return true;
                default:
                    return false;
            }
        }

        protected override bool ReceiveCommand(object message)
        {
            if (message is not int amount)
            {
                return false;
            }

            Persist(new Deposited(id, amount), d =>
            {
                _balance += d.Amount;
                Sender.Tell(_balance, Self);
            });
            return true;
        }
    }

    private async Task<(ActorSystem System, SegmentLogJournal Journal)> StartSystem()
    {
        var logs = new TestLoggerFactory(output);
        var system = ActorSystem.Create("bank", null, new ActorSystemSetup { LoggerFactory = logs });
        var journal = new SegmentLogJournal(_dir, new LogConfig(), logs);
        Persistence.Configure(system, journal);
        await Task.CompletedTask;
        return (system, journal);
    }

    [Fact]
    public async Task Events_survive_a_restart_of_the_system_and_the_log_is_a_readable_Kafka_segment()
    {
        var (system, journal) = await StartSystem();
        var probe = new TaskCompletionSource<string>();
        var watcher = system.ActorOf(Props.Create(() => new Forwarder(probe)));
        var account = system.ActorOf(Props.Create(() => new Account("account/42", watcher)));
        Assert.Equal("balance 0 at 0", await probe.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(10, await account.Ask<int>(10, TimeSpan.FromSeconds(10)));
        Assert.Equal(15, await account.Ask<int>(5, TimeSpan.FromSeconds(10)));
        await system.Terminate();
        await journal.DisposeAsync();

        // The id's '/' is escaped in the directory name; the files are Kafka segments with one record per event.
        var logDir = journal.DirectoryOf("account/42");
        Assert.Equal("account%2F42", Path.GetFileName(logDir));
        var dump = new StringWriter();
        LogDump.Dump(logDir, dump, printRecords: true);
        output.WriteLine(dump.ToString());
        Assert.Contains("Deposited", dump.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"Amount\":5", dump.ToString(), StringComparison.Ordinal);

        (system, journal) = await StartSystem();
        probe = new TaskCompletionSource<string>();
        watcher = system.ActorOf(Props.Create(() => new Forwarder(probe)));
        system.ActorOf(Props.Create(() => new Account("account/42", watcher)));
        Assert.Equal("balance 15 at 2", await probe.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await system.Terminate();
        await journal.DisposeAsync();
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(TaskCompletionSource<string> target) => Receive<string>(s => target.TrySetResult(s));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

public sealed class PersistencePluginConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorstream-plugins-").FullName;

    [Fact]
    public async Task The_durable_journal_and_snapshot_store_are_chosen_by_configuration()
    {
        var config = Hocon.ConfigFactory.ParseString($$"""
            actorstream.persistence {
              journal { plugin = "segment-log", segment-log.dir = "{{_dir.Replace("\\", "/", StringComparison.Ordinal)}}/journal" }
              snapshot-store { plugin = "file", file.dir = "{{_dir.Replace("\\", "/", StringComparison.Ordinal)}}/snapshots" }
            }
            """);
        var system = Actors.ActorSystem.Create("plugins", config);
        try
        {
            var persistence = Persistence.Get(system);
            Assert.IsType<SegmentLogJournal>(persistence.Journal);
            Assert.IsType<FileSnapshotStore>(persistence.SnapshotStore);
            await persistence.Journal.WriteMessagesAsync([new AtomicWrite([new PersistentRepr("x", 1, "event")])]);
            Assert.True(Directory.Exists(Path.Combine(_dir, "journal", "x")));
            await ((SegmentLogJournal)persistence.Journal).DisposeAsync();
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task An_unknown_plugin_names_the_key_and_the_choices()
    {
        var config = Hocon.ConfigFactory.ParseString("actorstream.persistence.journal.plugin = cassandra");
        var system = Actors.ActorSystem.Create("bad-plugin", config);
        try
        {
            var error = Assert.Throws<Hocon.ConfigException>(() => Persistence.Get(system));
            Assert.Contains("actorstream.persistence.journal.plugin", error.Message, StringComparison.Ordinal);
            Assert.Contains("segment-log", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate();
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
