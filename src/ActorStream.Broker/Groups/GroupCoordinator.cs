using System.Text;
using ActorStream.Actors;
using Microsoft.Extensions.Logging;

namespace ActorStream.Broker.Groups;

/// <summary>
/// The coordinator of one consumer group: Kafka's classic group protocol as a state machine in one actor. Members
/// join (with the member-id-required round trip), the coordinator waits for every known member to rejoin (or the
/// rebalance timeout), bumps the generation, picks the protocol all members support, and hands the leader every
/// member's subscription; the leader's assignment (computed by the client) is passed through at SyncGroup and
/// persisted before anyone gets it. Heartbeats keep members alive; one that misses its session timeout is removed and
/// the group rebalances. Static members (group.instance.id) rejoin under a new member id and keep their assignment
/// without a rebalance. Committed offsets and the membership are records in the group's __consumer_offsets partition,
/// so a coordinator started anywhere resumes from them.
/// </summary>
public sealed class GroupCoordinator : ReceiveActor
{
    private readonly string _groupId;
    private readonly GroupSettings _settings;
    private readonly IGroupLog _log;
    private readonly Func<string, int?> _partitionCount;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byInstance = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<TopicPartition, StoredOffset> _offsets = [];
    private GroupState _state = GroupState.Empty;
    private string? _protocolType;
    private string? _protocol;
    private string? _leader;
    private int _generation;
    private long _emptySince;
    private bool _initialDelayPending;
    private int _rebalanceEpoch;
    private long _joinSequence;

    private sealed class Member(string id)
    {
        public string Id { get; set; } = id;
        public string? InstanceId { get; set; }
        public string ClientId { get; set; } = "";
        public string ClientHost { get; set; } = "";
        public int SessionTimeoutMs { get; set; }
        public int RebalanceTimeoutMs { get; set; }
        public string ProtocolType { get; set; } = "";
        public IReadOnlyList<GroupProtocolEntry> Protocols { get; set; } = [];
        public byte[] Assignment { get; set; } = [];
        public IActorRef? AwaitingJoin { get; set; }
        public IActorRef? AwaitingSync { get; set; }
        public long JoinOrder { get; set; }
        public int HeartbeatEpoch { get; set; }

        public byte[] MetadataFor(string? protocol) => Protocols.FirstOrDefault(p => p.Name == protocol)?.Metadata ?? [];
    }

    public GroupCoordinator(string groupId, GroupSettings settings, IGroupLog log, LoadedGroup? loaded, Func<string, int?>? partitionCount = null)
    {
        _groupId = groupId;
        _partitionCount = partitionCount ?? (_ => null);
        _settings = settings;
        _log = log;
        _emptySince = Now;
        if (loaded is not null)
            Resume(loaded);

        Receive<JoinGroup>(OnJoin);
        Receive<SyncGroup>(OnSync);
        Receive<Heartbeat>(OnHeartbeat);
        Receive<LeaveGroup>(OnLeave);
        Receive<CommitOffsets>(OnCommit);
        Receive<FetchOffsets>(OnFetch);
        Receive<DeleteOffsets>(OnDeleteOffsets);
        Receive<DescribeGroup>(_ => Sender.Tell(Describe()));
        Receive<DeleteGroup>(OnDeleteGroup);
        Receive<ListGroups>(_ => Sender.Tell(new ListedGroup(_groupId, _protocolType ?? "", _state)));
        Receive<SessionExpired>(OnSessionExpired);
        Receive<JoinTimedOut>(t => { if (t.Epoch == _rebalanceEpoch && _state == GroupState.PreparingRebalance) CompleteJoin(timedOut: true); });
        Receive<InitialDelayOver>(t =>
        {
            if (t.Epoch != _rebalanceEpoch)
                return;
            _initialDelayPending = false;
            MaybeCompleteJoin();
        });
        Receive<SyncTimedOut>(OnSyncTimedOut);
        Receive<Written>(w => w.Continuation(w.Error));
        Receive<CheckOffsetExpiry>(_ => ExpireOffsets());
    }

    public static Props Props(string groupId, GroupSettings settings, IGroupLog log, LoadedGroup? loaded, Func<string, int?>? partitionCount = null) =>
        Actors.Props.Create(() => new GroupCoordinator(groupId, settings, log, loaded, partitionCount));

    private long Now => Context.System.Clock.UtcNow.ToUnixTimeMilliseconds();

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("offset-expiry", CheckOffsetExpiry.Instance, _settings.OffsetsRetentionCheckInterval);
        foreach (var member in _members.Values)
            ScheduleSessionExpiry(member);
    }

    private void Resume(LoadedGroup loaded)
    {
        foreach (var (tp, offset) in loaded.Offsets)
            _offsets[tp] = offset;
        if (loaded.Metadata is not { } stored)
            return;
        _protocolType = stored.ProtocolType;
        _generation = stored.GenerationId;
        _protocol = stored.Protocol;
        _leader = stored.Leader;
        _emptySince = stored.StateTimestamp;
        foreach (var m in stored.Members)
        {
            var member = new Member(m.MemberId)
            {
                InstanceId = m.GroupInstanceId,
                ClientId = m.ClientId,
                ClientHost = m.ClientHost,
                SessionTimeoutMs = m.SessionTimeoutMs,
                RebalanceTimeoutMs = m.RebalanceTimeoutMs,
                ProtocolType = stored.ProtocolType,
                Protocols = [new GroupProtocolEntry(stored.Protocol ?? "", m.Subscription)],
                Assignment = m.Assignment,
                JoinOrder = _joinSequence++,
            };
            AddMember(member);
        }

        // Members of the resumed generation must heartbeat within their session timeout, or they are removed.
        _state = _members.Count > 0 ? GroupState.Stable : GroupState.Empty;
    }

    // ------------------------------------------------------------------ join

    private void OnJoin(JoinGroup join)
    {
        if (join.SessionTimeoutMs < _settings.MinSessionTimeoutMs || join.SessionTimeoutMs > _settings.MaxSessionTimeoutMs)
        {
            Sender.Tell(JoinGroupResult.Failed(ErrorCode.InvalidSessionTimeout, join.MemberId));
            return;
        }

        if (join.Protocols.Count == 0 || string.IsNullOrEmpty(join.ProtocolType) || !CompatibleWithGroup(join))
        {
            Sender.Tell(JoinGroupResult.Failed(ErrorCode.InconsistentGroupProtocol, join.MemberId));
            return;
        }

        if (join.MemberId.Length == 0)
        {
            if (join.GroupInstanceId is { } instance && _byInstance.TryGetValue(instance, out var previousId))
            {
                RejoinStatic(join, _members[previousId]);
                return;
            }

            if (_members.Count + _pending.Count >= _settings.MaxGroupSize)
            {
                Sender.Tell(JoinGroupResult.Failed(ErrorCode.GroupMaxSizeReached));
                return;
            }

            var newId = NewMemberId(join.ClientId);
            if (join.RequireKnownMemberId && join.GroupInstanceId is null)
            {
                // KIP-394: the client must come back with this id, so a client that never does leaves no member behind.
                _pending.Add(newId);
                Timers.StartSingleTimer("pending-" + newId, new SessionExpired(newId, -1), TimeSpan.FromMilliseconds(join.SessionTimeoutMs));
                Sender.Tell(JoinGroupResult.Failed(ErrorCode.MemberIdRequired, newId));
                return;
            }

            AddAndJoin(new Member(newId) { JoinOrder = _joinSequence++ }, join);
            return;
        }

        if (_pending.Remove(join.MemberId))
        {
            Timers.Cancel("pending-" + join.MemberId);
            AddAndJoin(new Member(join.MemberId) { JoinOrder = _joinSequence++ }, join);
            return;
        }

        if (!_members.TryGetValue(join.MemberId, out var member))
        {
            Sender.Tell(JoinGroupResult.Failed(join.GroupInstanceId is { } id && _byInstance.ContainsKey(id) ? ErrorCode.FencedInstanceId : ErrorCode.UnknownMemberId, join.MemberId));
            return;
        }

        if (join.GroupInstanceId is { } instanceId && _byInstance.TryGetValue(instanceId, out var owner) && owner != join.MemberId)
        {
            Sender.Tell(JoinGroupResult.Failed(ErrorCode.FencedInstanceId, join.MemberId));
            return;
        }

        bool unchanged = SameProtocols(member.Protocols, join.Protocols);
        Update(member, join);
        if (unchanged && (_state == GroupState.CompletingRebalance || (_state == GroupState.Stable && member.Id != _leader)))
        {
            // A member that rejoins with the same subscription gets the current generation back (the leader, during the
            // sync phase, with the members it must assign): nothing to rebalance. A leader rejoining a stable group
            // asks for a new assignment, so that does rebalance, as in Kafka.
            Sender.Tell(CurrentGeneration(member, includeMembers: member.Id == _leader));
            return;
        }

        member.AwaitingJoin = Sender;
        if (_state != GroupState.PreparingRebalance)
            PrepareRebalance($"member {member.Id} rejoined");
        MaybeCompleteJoin();
    }

    private void AddAndJoin(Member member, JoinGroup join)
    {
        Update(member, join);
        AddMember(member);
        member.AwaitingJoin = Sender;
        if (_state != GroupState.PreparingRebalance)
            PrepareRebalance($"member {member.Id} joined");
        else if (_initialDelayPending)
            RestartInitialDelay();
        MaybeCompleteJoin();
    }

    private void RejoinStatic(JoinGroup join, Member member)
    {
        // A restarted static member: a new member id fences the old incarnation, and in a stable group it keeps its
        // assignment with no rebalance (KIP-345).
        var oldId = member.Id;
        bool unchanged = SameProtocols(member.Protocols, join.Protocols);
        _members.Remove(oldId);
        Timers.Cancel("session-" + oldId);
        FailPending(member, ErrorCode.FencedInstanceId);
        member.Id = NewMemberId(join.ClientId);
        Update(member, join);
        _members[member.Id] = member;
        _byInstance[member.InstanceId!] = member.Id;
        if (_leader == oldId)
            _leader = member.Id;
        Log.LogInformation("Group {Group}: static member {Instance} rejoined as {Member} (was {Old})", _groupId, member.InstanceId, member.Id, oldId);

        if (_state == GroupState.Stable && unchanged)
        {
            var replyTo = Sender;
            var generation = _generation;
            Persist(GroupRecord(), error =>
            {
                if (error != ErrorCode.None)
                {
                    // Not stored, so not happened: the member keeps its old id (as Kafka reverts it), and the client
                    // retries the join from scratch.
                    var newId = member.Id;
                    if (_members.Remove(newId))
                    {
                        Timers.Cancel("session-" + newId);
                        member.Id = oldId;
                        _members[oldId] = member;
                        _byInstance[member.InstanceId!] = oldId;
                        if (_leader == newId)
                            _leader = oldId;
                        ScheduleSessionExpiry(member);
                    }

                    replyTo.Tell(JoinGroupResult.Failed(ClientError(error, offsets: false)));
                    return;
                }

                // The leader is told its members but to skip the assignment (v9+); older leaders' new assignment is
                // ignored at SyncGroup since the group stays stable.
                bool leader = member.Id == _leader;
                replyTo.Tell(CurrentGeneration(member, includeMembers: leader) with { SkipAssignment = leader, GenerationId = generation });
            });
            return;
        }

        member.AwaitingJoin = Sender;
        if (_state != GroupState.PreparingRebalance)
            PrepareRebalance($"static member {member.InstanceId} rejoined with a changed subscription");
        MaybeCompleteJoin();
    }

    private void Update(Member member, JoinGroup join)
    {
        member.InstanceId = join.GroupInstanceId;
        member.ClientId = join.ClientId;
        member.ClientHost = join.ClientHost;
        member.SessionTimeoutMs = join.SessionTimeoutMs;
        member.RebalanceTimeoutMs = join.RebalanceTimeoutMs > 0 ? join.RebalanceTimeoutMs : join.SessionTimeoutMs;
        member.ProtocolType = join.ProtocolType;
        member.Protocols = join.Protocols;
        ScheduleSessionExpiry(member);
    }

    private void AddMember(Member member)
    {
        // The first member of a group without members sets its protocol type (as Kafka's addMember does): what the group
        // had before ("" after commits from outside the group protocol, or its former members' type) binds nobody.
        if (_members.Count == 0)
            _protocolType = member.ProtocolType;
        _members[member.Id] = member;
        if (member.InstanceId is { } instance)
            _byInstance[instance] = member.Id;
        _leader ??= member.Id;
    }

    private bool CompatibleWithGroup(JoinGroup join)
    {
        if (_members.Count == 0)
            return true;
        if (join.ProtocolType != _protocolType)
            return false;
        // At least one protocol every other member supports too.
        var others = _members.Values.Where(m => m.Id != join.MemberId).ToList();
        return others.Count == 0 || join.Protocols.Any(p => others.All(m => m.Protocols.Any(q => q.Name == p.Name)));
    }

    private void PrepareRebalance(string reason)
    {
        if (_state == GroupState.CompletingRebalance)
        {
            foreach (var member in _members.Values)
            {
                member.AwaitingSync?.Tell(SyncGroupResult.Failed(ErrorCode.RebalanceInProgress));
                member.AwaitingSync = null;
            }
        }

        bool wasEmpty = _state == GroupState.Empty;
        _state = GroupState.PreparingRebalance;
        _rebalanceEpoch++;
        Timers.Cancel("sync");
        int rebalanceTimeout = _members.Count == 0 ? _settings.MinSessionTimeoutMs : _members.Values.Max(m => m.RebalanceTimeoutMs);
        Timers.StartSingleTimer("join", new JoinTimedOut(_rebalanceEpoch), TimeSpan.FromMilliseconds(rebalanceTimeout));
        _initialDelayPending = wasEmpty && _settings.InitialRebalanceDelayMs > 0;
        if (_initialDelayPending)
            RestartInitialDelay();
        Log.LogInformation("Group {Group}: preparing to rebalance generation {Generation} ({Reason})", _groupId, _generation, reason);
    }

    // group.initial.rebalance.delay.ms: every member joining an empty group pushes the first rebalance back, so a fleet
    // starting together is assigned once, not once per member.
    private void RestartInitialDelay() =>
        Timers.StartSingleTimer("initial-delay", new InitialDelayOver(_rebalanceEpoch), TimeSpan.FromMilliseconds(_settings.InitialRebalanceDelayMs));

    private void MaybeCompleteJoin()
    {
        if (_state == GroupState.PreparingRebalance && !_initialDelayPending && _members.Values.All(m => m.AwaitingJoin is not null))
            CompleteJoin(timedOut: false);
    }

    private void CompleteJoin(bool timedOut)
    {
        Timers.Cancel("join");
        Timers.Cancel("initial-delay");
        _initialDelayPending = false;
        if (timedOut)
        {
            foreach (var missing in _members.Values.Where(m => m.AwaitingJoin is null).ToList())
            {
                Log.LogInformation("Group {Group}: member {Member} did not rejoin within the rebalance timeout; removing it", _groupId, missing.Id);
                RemoveMember(missing, ErrorCode.UnknownMemberId);
            }
        }

        _generation++;
        if (_members.Count == 0)
        {
            _state = GroupState.Empty;
            _protocol = null;
            _leader = null;
            _emptySince = Now;
            Log.LogInformation("Group {Group}: generation {Generation} is empty", _groupId, _generation);
            Persist(GroupRecord(), _ => { });
            return;
        }

        _protocol = SelectProtocol();
        if (_leader is null || !_members.ContainsKey(_leader))
            _leader = _members.Values.OrderBy(m => m.JoinOrder).First().Id;
        _state = GroupState.CompletingRebalance;
        Timers.StartSingleTimer("sync", new SyncTimedOut(_generation), TimeSpan.FromMilliseconds(_members.Values.Max(m => m.RebalanceTimeoutMs)));
        Log.LogInformation("Group {Group}: generation {Generation} with {Count} member(s), protocol {Protocol}, leader {Leader}",
            _groupId, _generation, _members.Count, _protocol, _leader);
        foreach (var member in _members.Values)
        {
            member.AwaitingJoin?.Tell(CurrentGeneration(member, includeMembers: member.Id == _leader));
            member.AwaitingJoin = null;
            ScheduleSessionExpiry(member);
        }
    }

    // The protocol every member supports that most members list first (Kafka's vote).
    private string SelectProtocol()
    {
        var members = _members.Values.ToList();
        var candidates = members[0].Protocols.Select(p => p.Name).Where(name => members.All(m => m.Protocols.Any(p => p.Name == name))).ToList();
        return candidates
            .Select(name => (Name: name, Votes: members.Count(m => m.Protocols.First(p => candidates.Contains(p.Name)).Name == name)))
            .OrderByDescending(c => c.Votes)
            .First().Name;
    }

    private JoinGroupResult CurrentGeneration(Member member, bool includeMembers) => new(
        ErrorCode.None,
        _generation,
        _protocolType,
        _protocol,
        _leader ?? "",
        member.Id,
        includeMembers ? [.. _members.Values.OrderBy(m => m.JoinOrder).Select(m => new JoinedMember(m.Id, m.InstanceId, m.MetadataFor(_protocol)))] : []);

    // ------------------------------------------------------------------ sync

    private void OnSync(SyncGroup sync)
    {
        if (Validate(sync.MemberId, sync.GroupInstanceId, sync.GenerationId) is { } error)
        {
            Sender.Tell(SyncGroupResult.Failed(error));
            return;
        }

        var member = _members[sync.MemberId];
        ScheduleSessionExpiry(member);
        switch (_state)
        {
            case GroupState.PreparingRebalance:
                Sender.Tell(SyncGroupResult.Failed(ErrorCode.RebalanceInProgress));
                return;
            case GroupState.Stable:
                Sender.Tell(new SyncGroupResult(ErrorCode.None, _protocolType, _protocol, member.Assignment));
                return;
        }

        member.AwaitingSync = Sender;
        if (member.Id != _leader)
            return;

        var assignments = sync.Assignments;
        if (assignments.Count == 0 && _protocolType == "consumer" && ServerAssignors.Supports(_protocol))
        {
            // A leader without an assignor of its own: the coordinator assigns (range, roundrobin or sticky).
            var ordered = _members.Values.OrderBy(m => m.JoinOrder).ToList();
            assignments = ServerAssignors.Assign(_protocol!, [.. ordered.Select(m => (m.Id, m.MetadataFor(_protocol)))], _partitionCount,
                ordered.ToDictionary(m => m.Id, m => m.Assignment, StringComparer.Ordinal));
        }

        foreach (var m in _members.Values)
            m.Assignment = assignments.GetValueOrDefault(m.Id) ?? [];
        int generation = _generation;
        // The assignment is persisted before anyone gets it: a coordinator that restarts resumes this generation.
        Persist(GroupRecord(), written =>
        {
            if (_state != GroupState.CompletingRebalance || _generation != generation)
                return;
            if (written != ErrorCode.None)
            {
                foreach (var m in _members.Values)
                {
                    m.AwaitingSync?.Tell(SyncGroupResult.Failed(ErrorCode.CoordinatorNotAvailable));
                    m.AwaitingSync = null;
                }

                PrepareRebalance("the assignment could not be stored");
                return;
            }

            _state = GroupState.Stable;
            Timers.Cancel("sync");
            foreach (var m in _members.Values)
            {
                m.AwaitingSync?.Tell(new SyncGroupResult(ErrorCode.None, _protocolType, _protocol, m.Assignment));
                m.AwaitingSync = null;
            }

            Log.LogInformation("Group {Group}: generation {Generation} is stable", _groupId, _generation);
        });
    }

    private void OnSyncTimedOut(SyncTimedOut timeout)
    {
        if (_state != GroupState.CompletingRebalance || timeout.Generation != _generation)
            return;
        // The leader never sent the assignment (or members never asked for it): those who did not sync are out.
        foreach (var member in _members.Values.Where(m => m.AwaitingSync is null).ToList())
            RemoveMember(member, ErrorCode.UnknownMemberId);
        PrepareRebalance("members did not sync within the rebalance timeout");
        foreach (var member in _members.Values)
        {
            member.AwaitingSync?.Tell(SyncGroupResult.Failed(ErrorCode.RebalanceInProgress));
            member.AwaitingSync = null;
        }

        MaybeCompleteJoin();
    }

    // ------------------------------------------------------------------ heartbeats, leaving, expiry

    private void OnHeartbeat(Heartbeat heartbeat)
    {
        if (Validate(heartbeat.MemberId, heartbeat.GroupInstanceId, heartbeat.GenerationId) is { } error)
        {
            Sender.Tell(new HeartbeatResult(error));
            return;
        }

        ScheduleSessionExpiry(_members[heartbeat.MemberId]);
        Sender.Tell(new HeartbeatResult(_state == GroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None));
    }

    private ErrorCode? Validate(string memberId, string? instanceId, int generation)
    {
        if (!_members.TryGetValue(memberId, out var member))
            return instanceId is not null && _byInstance.ContainsKey(instanceId) ? ErrorCode.FencedInstanceId : ErrorCode.UnknownMemberId;
        if (instanceId is not null && member.InstanceId != instanceId)
            return ErrorCode.FencedInstanceId;
        if (generation != _generation)
            return ErrorCode.IllegalGeneration;
        return null;
    }

    private void OnLeave(LeaveGroup leave)
    {
        var results = new List<(LeavingMember, ErrorCode)>();
        bool removed = false;
        foreach (var leaving in leave.Members)
        {
            string? id = leaving.MemberId.Length > 0 ? leaving.MemberId
                : leaving.GroupInstanceId is { } instance ? _byInstance.GetValueOrDefault(instance) : null;
            if (id is null || !_members.TryGetValue(id, out var member))
            {
                results.Add((leaving, ErrorCode.UnknownMemberId));
                continue;
            }

            if (leaving.GroupInstanceId is not null && member.InstanceId != leaving.GroupInstanceId)
            {
                results.Add((leaving, ErrorCode.FencedInstanceId));
                continue;
            }

            Log.LogInformation("Group {Group}: member {Member} left", _groupId, member.Id);
            RemoveMember(member, ErrorCode.UnknownMemberId);
            results.Add((leaving, ErrorCode.None));
            removed = true;
        }

        if (removed)
            OnMembershipShrunk("members left");
        var overall = leave.Members.Count == 1 ? results[0].Item2 : ErrorCode.None;
        Sender.Tell(new LeaveGroupResult(overall, results));
    }

    private void OnSessionExpired(SessionExpired expired)
    {
        if (expired.HeartbeatEpoch < 0)
        {
            _pending.Remove(expired.MemberId);
            return;
        }

        if (!_members.TryGetValue(expired.MemberId, out var member) || member.HeartbeatEpoch != expired.HeartbeatEpoch)
            return;
        if (member.AwaitingJoin is not null)
            return; // waiting for the rebalance to complete: the join, not the session, bounds it
        Log.LogInformation("Group {Group}: member {Member} ({Client}) sent no heartbeat for {Timeout} ms; removing it",
            _groupId, member.Id, member.ClientId, member.SessionTimeoutMs);
        RemoveMember(member, ErrorCode.UnknownMemberId);
        OnMembershipShrunk($"member {member.Id} expired");
    }

    private void OnMembershipShrunk(string reason)
    {
        if (_state is GroupState.Stable or GroupState.CompletingRebalance)
            PrepareRebalance(reason);
        if (_state == GroupState.PreparingRebalance)
        {
            if (_members.Count == 0)
                _initialDelayPending = false;
            MaybeCompleteJoin();
        }
    }

    private void ScheduleSessionExpiry(Member member)
    {
        member.HeartbeatEpoch++;
        Timers.StartSingleTimer("session-" + member.Id, new SessionExpired(member.Id, member.HeartbeatEpoch), TimeSpan.FromMilliseconds(member.SessionTimeoutMs));
    }

    private void RemoveMember(Member member, ErrorCode pendingError)
    {
        _members.Remove(member.Id);
        if (member.InstanceId is { } instance && _byInstance.GetValueOrDefault(instance) == member.Id)
            _byInstance.Remove(instance);
        Timers.Cancel("session-" + member.Id);
        FailPending(member, pendingError);
        if (_leader == member.Id)
            _leader = _members.Values.OrderBy(m => m.JoinOrder).FirstOrDefault()?.Id;
    }

    private static void FailPending(Member member, ErrorCode error)
    {
        member.AwaitingJoin?.Tell(JoinGroupResult.Failed(error, member.Id));
        member.AwaitingJoin = null;
        member.AwaitingSync?.Tell(SyncGroupResult.Failed(error));
        member.AwaitingSync = null;
    }

    // ------------------------------------------------------------------ offsets

    private void OnCommit(CommitOffsets commit)
    {
        ErrorCode? error = null;
        if (commit.GenerationId < 0 && commit.MemberId.Length == 0)
        {
            // A commit from outside the group protocol (assign() consumers, admin tools): only into a group with no members.
            if (_members.Count > 0)
                error = ErrorCode.UnknownMemberId;
        }
        else
        {
            error = Validate(commit.MemberId, commit.GroupInstanceId, commit.GenerationId);
            if (error is null && _state == GroupState.CompletingRebalance)
                error = ErrorCode.RebalanceInProgress;
            if (error is null)
                ScheduleSessionExpiry(_members[commit.MemberId]);
        }

        if (error is { } refused)
        {
            Sender.Tell(new OffsetsCommitted([.. commit.Offsets.Select(o => (o.TopicPartition, refused))]));
            return;
        }

        long now = Now;
        var results = new List<(TopicPartition, ErrorCode)>();
        var records = new List<(byte[], byte[]?)>();
        var accepted = new List<(TopicPartition Tp, StoredOffset Offset)>();
        foreach (var o in commit.Offsets)
        {
            if (o.Metadata is { } metadata && Encoding.UTF8.GetByteCount(metadata) > _settings.MaxOffsetMetadataBytes)
            {
                results.Add((o.TopicPartition, ErrorCode.OffsetMetadataTooLarge));
                continue;
            }

            var stored = new StoredOffset(o.Offset, o.LeaderEpoch, o.Metadata, now);
            records.Add((GroupRecords.OffsetKey(_groupId, o.TopicPartition), GroupRecords.Value(stored)));
            accepted.Add((o.TopicPartition, stored));
        }

        if (_members.Count == 0 && _state == GroupState.Empty)
            _protocolType ??= "";
        var replyTo = Sender;
        Persist(records, written =>
        {
            foreach (var (tp, offset) in accepted)
            {
                if (written == ErrorCode.None)
                    _offsets[tp] = offset;
                results.Add((tp, ClientError(written, offsets: true)));
            }

            replyTo.Tell(new OffsetsCommitted(results));
        });
    }

    private void OnFetch(FetchOffsets fetch)
    {
        IEnumerable<CommittedOffset> offsets = fetch.Partitions is null
            ? _offsets.Select(o => new CommittedOffset(o.Key, o.Value.Offset, o.Value.LeaderEpoch, o.Value.Metadata, o.Value.CommitTimestamp))
            : fetch.Partitions.Select(tp => _offsets.TryGetValue(tp, out var o)
                ? new CommittedOffset(tp, o.Offset, o.LeaderEpoch, o.Metadata, o.CommitTimestamp)
                : new CommittedOffset(tp, -1, -1, null, -1));
        Sender.Tell(new OffsetsFetched(ErrorCode.None, [.. offsets]));
    }

    private void OnDeleteOffsets(DeleteOffsets delete)
    {
        if (_state != GroupState.Empty && _protocolType != "consumer")
        {
            // Only a consumer group's subscriptions can be read; any other live group's offsets are all in use.
            Sender.Tell(new OffsetsDeleted(ErrorCode.NonEmptyGroup, []));
            return;
        }

        var subscribed = _state == GroupState.Empty ? [] : SubscribedTopics();
        var results = new List<(TopicPartition, ErrorCode)>();
        var records = new List<(byte[], byte[]?)>();
        foreach (var tp in delete.Partitions)
        {
            if (subscribed.Contains(tp.Topic))
            {
                results.Add((tp, ErrorCode.GroupSubscribedToTopic));
                continue;
            }

            records.Add((GroupRecords.OffsetKey(_groupId, tp), null));
            results.Add((tp, ErrorCode.None));
        }

        var replyTo = Sender;
        Persist(records, written =>
        {
            if (written == ErrorCode.None)
            {
                foreach (var (tp, e) in results.Where(r => r.Item2 == ErrorCode.None))
                    _offsets.Remove(tp);
            }

            var error = ClientError(written, offsets: true);
            replyTo.Tell(new OffsetsDeleted(error, error == ErrorCode.None ? results : [.. results.Select(r => (r.Item1, error))]));
        });
    }

    // The topics in the members' consumer-protocol subscriptions (version, then an array of topic names).
    private HashSet<string> SubscribedTopics()
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        if (_protocolType != "consumer")
            return topics;
        foreach (var member in _members.Values)
        {
            // Until the group's first generation has chosen a protocol, a subscription in any of the member's protocols counts.
            var subscriptions = _protocol is null ? member.Protocols.Select(p => p.Metadata) : [member.MetadataFor(_protocol)];
            foreach (var topic in subscriptions.SelectMany(s => ConsumerProtocol.SubscribedTopics(s)))
                topics.Add(topic);
        }

        return topics;
    }

    // Offsets of a group without members expire offsets.retention after the group became empty (never while it has
    // members, and never counted from a commit made while it had members, which is the KIP-211 rule), and every expiry
    // is logged with the group, partitions and offsets, so an operator can restore them.
    private void ExpireOffsets()
    {
        if (_state != GroupState.Empty)
            return;
        long now = Now;
        if (_offsets.Count == 0)
        {
            // An empty group with nothing committed, past retention: it is forgotten (record deleted, actor stopped),
            // so short-lived groups do not accumulate.
            if (now - _emptySince > _settings.OffsetsRetentionMs)
            {
                Persist([(GroupRecords.GroupKey(_groupId), null)], written =>
                {
                    if (written != ErrorCode.None || _state != GroupState.Empty || _offsets.Count > 0)
                        return;
                    Log.LogInformation("Group {Group}: empty with no committed offsets for {Retention} ms; removed", _groupId, _settings.OffsetsRetentionMs);
                    _state = GroupState.Dead;
                    Context.Stop(Self);
                });
            }

            return;
        }

        var expired = _offsets.Where(o => now - Math.Max(_emptySince, o.Value.CommitTimestamp) > _settings.OffsetsRetentionMs).ToList();
        if (expired.Count == 0)
            return;
        Log.LogWarning("Group {Group}: expiring {Count} committed offset(s) kept {Retention} ms after the group became empty: {Offsets}",
            _groupId, expired.Count, _settings.OffsetsRetentionMs, string.Join(", ", expired.Select(e => $"{e.Key}@{e.Value.Offset}")));
        Persist([.. expired.Select(e => (GroupRecords.OffsetKey(_groupId, e.Key), (byte[]?)null))], written =>
        {
            if (written == ErrorCode.None)
            {
                foreach (var e in expired)
                    _offsets.Remove(e.Key);
            }
        });
    }

    // ------------------------------------------------------------------ describe, delete

    private GroupDescription Describe() => new(
        ErrorCode.None,
        _groupId,
        _state,
        _protocolType ?? "",
        _state == GroupState.Stable || _state == GroupState.CompletingRebalance ? _protocol ?? "" : "",
        [.. _members.Values.OrderBy(m => m.JoinOrder).Select(m => new DescribedMember(m.Id, m.InstanceId, m.ClientId, m.ClientHost, m.MetadataFor(_protocol), m.Assignment))]);

    private void OnDeleteGroup(DeleteGroup delete)
    {
        if (_state != GroupState.Empty)
        {
            Sender.Tell(new GroupDeleted(_groupId, ErrorCode.NonEmptyGroup));
            return;
        }

        var records = _offsets.Keys.Select(tp => (GroupRecords.OffsetKey(_groupId, tp), (byte[]?)null)).ToList();
        records.Add((GroupRecords.GroupKey(_groupId), null));
        var replyTo = Sender;
        Persist(records, written =>
        {
            replyTo.Tell(new GroupDeleted(_groupId, ClientError(written, offsets: true)));
            if (written == ErrorCode.None)
            {
                _state = GroupState.Dead;
                Context.Stop(Self);
            }
        });
    }

    // ------------------------------------------------------------------ persistence

    private List<(byte[], byte[]?)> GroupRecord() =>
    [
        (GroupRecords.GroupKey(_groupId), GroupRecords.Value(new StoredGroup(
            _protocolType ?? "",
            _generation,
            _protocol,
            _leader,
            _emptySince,
            [.. _members.Values.OrderBy(m => m.JoinOrder).Select(m => new StoredMember(m.Id, m.InstanceId, m.ClientId, m.ClientHost, m.SessionTimeoutMs, m.RebalanceTimeoutMs, m.MetadataFor(_protocol), m.Assignment))]))),
    ];

    // A failed write, in the errors clients handle for group requests (Kafka's GroupMetadataManager maps them the same
    // way): a partition that lost its leadership is NOT_COORDINATOR (the client looks the coordinator up again), one short
    // of in-sync replicas COORDINATOR_NOT_AVAILABLE (retried). Passed through raw, a Java consumer takes e.g. NOT_ENOUGH_REPLICAS
    // in an OffsetCommit response for an unexpected, fatal error.
    private static ErrorCode ClientError(ErrorCode logError, bool offsets) => logError switch
    {
        ErrorCode.UnknownTopicOrPartition or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend => ErrorCode.CoordinatorNotAvailable,
        ErrorCode.NotLeaderOrFollower or ErrorCode.KafkaStorageError => ErrorCode.NotCoordinator,
        ErrorCode.MessageTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidFetchSize => offsets ? ErrorCode.InvalidCommitOffsetSize : ErrorCode.UnknownServerError,
        ErrorCode.RequestTimedOut when !offsets => ErrorCode.RebalanceInProgress,
        _ => logError,
    };

    // Appends through the partition's replica; the continuation runs inside this actor, in write order.
    private void Persist(List<(byte[], byte[]?)> records, Action<ErrorCode> continuation)
    {
        if (records.Count == 0)
        {
            continuation(ErrorCode.None);
            return;
        }

        _log.AppendAsync(records).PipeTo(Self, Self, error => new Written(error, continuation), _ => new Written(ErrorCode.CoordinatorNotAvailable, continuation));
    }

    private string NewMemberId(string clientId) => $"{(clientId.Length > 0 ? clientId : "member")}-{Guid.NewGuid()}";

    private static bool SameProtocols(IReadOnlyList<GroupProtocolEntry> a, IReadOnlyList<GroupProtocolEntry> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.Metadata.AsSpan().SequenceEqual(p.Second.Metadata));

    private sealed record SessionExpired(string MemberId, int HeartbeatEpoch);

    private sealed record JoinTimedOut(int Epoch);

    private sealed record InitialDelayOver(int Epoch);

    private sealed record SyncTimedOut(int Generation);

    private sealed record Written(ErrorCode Error, Action<ErrorCode> Continuation);

    private sealed record CheckOffsetExpiry
    {
        public static readonly CheckOffsetExpiry Instance = new();
    }
}
