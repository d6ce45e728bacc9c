using ActorStream.Actors.Shutdown;
using ActorStream.Hocon;
using Xunit.Abstractions;

namespace ActorStream.Actors.Tests;

public sealed class CoordinatedShutdownTests(ITestOutputHelper output) : TestKit.TestKit(output)
{
    [Fact]
    public void Phases_are_ordered_by_their_dependencies()
    {
        var phases = Sys.CoordinatedShutdown.OrderedPhases;
        Assert.Equal(CoordinatedShutdown.PhaseBeforeServiceUnbind, phases[0]);
        Assert.Equal(CoordinatedShutdown.PhaseActorSystemTerminate, phases[^1]);
        Assert.True(phases.ToList().IndexOf(CoordinatedShutdown.PhaseServiceUnbind) < phases.ToList().IndexOf(CoordinatedShutdown.PhaseClusterLeave));
    }

    [Fact]
    public async Task Tasks_run_phase_by_phase_in_order_and_the_system_terminates_last()
    {
        var log = new List<string>();
        var gate = new Lock();
        void Record(string entry)
        {
            lock (gate)
            {
                log.Add(entry);
            }
        }

        var cs = Sys.CoordinatedShutdown;
        cs.AddTask(CoordinatedShutdown.PhaseClusterLeave, "leave", () =>
        {
            Record("cluster-leave");
            return Task.CompletedTask;
        });
        cs.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "unbind-a", async () =>
        {
            await Task.Yield();
            Record("service-unbind");
        });
        cs.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "unbind-b", () =>
        {
            Record("service-unbind");
            return Task.CompletedTask;
        });
        cs.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "last-words", () =>
        {
            Record(Sys.WhenTerminated.IsCompleted ? "too late" : "before-terminate");
            return Task.CompletedTask;
        });

        await cs.Run("test");
        await Sys.WhenTerminated;
        Assert.Equal(["service-unbind", "service-unbind", "cluster-leave", "before-terminate"], log);

        // Running it again is harmless and returns the same completed run.
        await cs.Run("again");
        Assert.Equal("test", cs.Reason);
    }

    [Fact]
    public async Task A_phase_that_times_out_is_logged_and_the_next_phase_still_runs()
    {
        var never = new TaskCompletionSource();
        var reached = false;
        var config = ConfigFactory.ParseString("actorstream.coordinated-shutdown.phases.service-unbind.timeout = 200 ms");
        await using var system = ActorSystem.Create("cs-timeout", config, new ActorSystemSetup { LoggerFactory = LogEntries });
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "stuck", () => never.Task);
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "after", () =>
        {
            reached = true;
            return Task.CompletedTask;
        });
        await system.CoordinatedShutdown.Run("test");
        Assert.True(reached);
        Assert.Contains(LogEntries.Entries, e => e.Message.Contains("[service-unbind] timed out", StringComparison.Ordinal));
    }

    [Fact]
    public void Adding_a_task_to_an_unknown_phase_names_the_known_phases()
    {
        var error = Assert.Throws<ArgumentException>(() => Sys.CoordinatedShutdown.AddTask("no-such-phase", "x", () => Task.CompletedTask));
        Assert.Contains("service-unbind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_in_configured_phases_is_rejected_naming_the_cycle()
    {
        var config = ConfigFactory.ParseString("""
            actorstream.coordinated-shutdown.phases {
              a { depends-on = [b] }
              b { depends-on = [a] }
            }
            """);
        var system = ActorSystem.Create("cs-cycle", config);
        try
        {
            var error = Assert.Throws<ConfigException>(() => system.CoordinatedShutdown);
            Assert.Contains("a -> b -> a", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            system.FinalTerminate();
        }
    }
}
