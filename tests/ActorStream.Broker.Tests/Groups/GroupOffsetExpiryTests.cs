using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>offsets.retention: an empty group's offsets expire that long after it became empty, never while it has members.</summary>
public sealed class GroupOffsetExpiryTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    private static GroupSettings Expiring => Defaults with { OffsetsRetentionMs = (long)Retention.TotalMilliseconds, OffsetsRetentionCheckInterval = CheckInterval };

    private void KeepAlive(Member member, TimeSpan duration)
    {
        var until = Now + duration;
        while (Now < until)
        {
            Runtime!.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal(ErrorCode.None, Heartbeat(member));
        }
    }

    [Fact]
    public void Offsets_of_a_group_with_members_never_expire()
    {
        StartCoordinator(Expiring);
        var a = NewMember("a");
        a.SessionTimeoutMs = (int)TimeSpan.FromMinutes(15).TotalMilliseconds;
        FormGroup(a);
        Commit(a, (Tp("orders"), 42));

        KeepAlive(a, TimeSpan.FromMinutes(50));

        Assert.Equal(GroupState.Stable, State);
        Assert.Equal(42, FetchOffset(Tp("orders")));
        Assert.DoesNotContain(null, GroupLog.ValuesOf(OffsetKey(Tp("orders"))));
    }

    [Fact]
    public void Offsets_expire_the_retention_after_the_group_became_empty_not_after_they_were_committed()
    {
        StartCoordinator(Expiring);
        var a = NewMember("a");
        a.SessionTimeoutMs = (int)TimeSpan.FromMinutes(15).TotalMilliseconds;
        FormGroup(a);
        Commit(a, (Tp("orders", 0), 42), (Tp("orders", 1), 43));

        // The group keeps its member for longer than the retention, then becomes empty.
        KeepAlive(a, Retention * 2);
        Assert.Equal(ErrorCode.None, Leave(a).Error);
        var emptiedAt = Now;
        Assert.Equal(GroupState.Empty, State);

        // At exactly the retention after that (every check on the way included), the offsets are still there.
        Runtime!.Advance(Retention);
        Assert.Equal(42, FetchOffset(Tp("orders", 0)));
        Assert.Equal(43, FetchOffset(Tp("orders", 1)));
        Assert.DoesNotContain(null, GroupLog.ValuesOf(OffsetKey(Tp("orders", 0))));

        // The next check finds them expired: tombstones are written and the fetch finds nothing.
        Runtime.Advance(CheckInterval);
        Assert.True(Now - emptiedAt > Retention);
        Assert.Equal(-1, FetchOffset(Tp("orders", 0)));
        Assert.Equal(-1, FetchOffset(Tp("orders", 1)));
        Assert.Null(GroupLog.ValuesOf(OffsetKey(Tp("orders", 0)))[^1]);
        Assert.Null(GroupLog.ValuesOf(OffsetKey(Tp("orders", 1)))[^1]);
        var loaded = GroupLog.Load()[GroupId];
        Assert.Empty(loaded.Offsets);
    }

    [Fact]
    public void Expired_offsets_stay_when_their_tombstones_cannot_be_written()
    {
        StartCoordinator(Expiring);
        SimpleCommit((Tp("orders"), 42));
        GroupLog.Mode = WriteMode.Fail;

        Runtime!.Advance(Retention + CheckInterval);

        Assert.Equal(42, FetchOffset(Tp("orders")));
        GroupLog.Mode = WriteMode.Immediate;
        Runtime.Advance(CheckInterval);
        Assert.Equal(-1, FetchOffset(Tp("orders")));
    }

    [Fact]
    public void An_empty_group_with_nothing_committed_is_removed_after_the_retention()
    {
        StartCoordinator(Expiring);
        var a = NewMember("a");
        FormGroup(a);
        Leave(a);
        Assert.Equal(GroupState.Empty, State);
        Watch(Coordinator);

        Runtime!.Advance(Retention + CheckInterval + CheckInterval);

        ExpectTerminated(Coordinator);
        Assert.Contains(null, GroupLog.ValuesOf(GroupKey));
    }
}
