using System.Text.RegularExpressions;
using ActorStream.Actors;
using ActorStream.Broker.Metadata;
using Microsoft.Extensions.Logging;

namespace ActorStream.Broker.Replication;

/// <summary>
/// Keeps this broker's replicas in line with the committed metadata: one <see cref="PartitionReplica"/> child per
/// partition it leads, each with its log under the data directory as Kafka names it (&lt;topic&gt;-&lt;partition&gt;).
/// A deleted topic's replicas close and delete their files before the deletion is reported done; a re-created topic
/// of the same name waits until the old directory is gone. Also drives retention on a timer.
/// </summary>
public sealed partial class ReplicaManager : ReceiveActor
{
    private readonly BrokerSettings _settings;
    private readonly PartitionRegistry _registry;
    private readonly Dictionary<TopicPartition, PartitionState> _stopping = [];
    private readonly HashSet<TopicPartition> _starting = [];
    private readonly List<(IActorRef ReplyTo, long Version)> _waiting = [];

    // Partitions whose log failed, with how many restarts were tried; a timer per partition retries them.
    // With the topic id whose log failed: a topic deleted (or deleted and re-created) meanwhile must not find its old files.
    private readonly Dictionary<TopicPartition, (int Attempts, Guid TopicId)> _failed = [];

    // Startup recovery: how many partitions the first metadata image started, and since when (for progress lines).
    private int _recovering;
    private System.Diagnostics.Stopwatch? _recoveryClock;
    private TimeSpan _lastProgress;
    private readonly ILoggerFactory _loggers;
    private MetadataImage? _image;
    private IActorRef? _shutdownReplyTo;
    private int _stoppedAtShutdown;

    public ReplicaManager(BrokerSettings settings, PartitionRegistry registry)
    {
        _settings = settings;
        _registry = registry;
        _loggers = Context.System.LoggerFactory;

        Receive<ApplyMetadata>(apply =>
        {
            bool first = _image is null;
            _image = apply.Image;
            if (first)
            {
                DeleteOrphanDirectories(apply.Image);
                _recoveryClock = System.Diagnostics.Stopwatch.StartNew();
            }

            Reconcile();
            if (first)
            {
                _recovering = _starting.Count;
                if (_recovering > 0)
                    Timers.StartPeriodicTimer("recovery-progress", RecoveryProgress.Instance, _settings.RecoveryProgressInterval);
                else
                    _recoveryClock = null;
            }

            _waiting.Add((Sender, apply.Image.Version));
            ReplyIfSettled();
        });
        Receive<ReplicaStopped>(stopped =>
        {
            if (_stopping.Remove(stopped.TopicPartition, out var state))
                _registry.Remove(state);
            if (_shutdownReplyTo is not null)
            {
                _stoppedAtShutdown++;
                if (_stopping.Count == 0)
                    _shutdownReplyTo.Tell(new AllReplicasStopped(_stoppedAtShutdown));
                return;
            }

            Reconcile();
            ReplyIfSettled();
        });
        Receive<ReplicaReady>(ready =>
        {
            if (_failed.TryGetValue(ready.TopicPartition, out var failure) && _registry.OfflineReason(ready.TopicPartition) is not null)
            {
                // Back, but the failure count stays until it has kept working for the longest backoff: a disk that
                // is still full fails the next write again, and the retries must slow down, not flap every second.
                // Logged first, so whoever sees the partition online finds the line that says so.
                Log.LogInformation("Partition {Partition} is back online after {Attempts} failure(s)", ready.TopicPartition, failure.Attempts);
                _registry.MarkOnline(ready.TopicPartition);
                Timers.StartSingleTimer($"restart-{ready.TopicPartition}", new ReplicaStayedUp(ready.TopicPartition), _settings.ReplicaRestartBackoffMax);
            }

            NoLongerStarting(ready.TopicPartition);
        });
        Receive<RecoveryProgress>(_ =>
        {
            if (_recoveryClock is not null && _starting.Count > 0)
                LogRecoveryProgress("recovered");
        });
        Receive<CheckRetention>(check =>
        {
            foreach (var child in Context.GetChildren())
                child.Tell(check);
        });
        Receive<StopAllReplicas>(_ =>
        {
            _shutdownReplyTo = Sender;
            foreach (var state in _registry.All.ToList())
                StopReplica(state, delete: false);
            if (_stopping.Count == 0)
                Sender.Tell(new AllReplicasStopped(0));
        });
        Receive<Terminated>(terminated =>
        {
            // A replica that stopped on its own failed (its log could not be read or written; the error is logged
            // above). Its partition is offline, answered KAFKA_STORAGE_ERROR, until a restart of it works.
            var state = _registry.All.FirstOrDefault(s => s.Replica.Equals(terminated.ActorRef));
            if (state is not null && !_stopping.ContainsKey(state.TopicPartition))
            {
                _registry.Remove(state);
                NoLongerStarting(state.TopicPartition);
                Failed(state.TopicPartition, state.TopicId, "its replica stopped after a log failure (see the error above)");
            }
        });
        Receive<ReplicaStayedUp>(up =>
        {
            _failed.Remove(up.TopicPartition);
        });
        Receive<RestartFailedReplica>(restart =>
        {
            if (!_failed.ContainsKey(restart.TopicPartition) || _registry.OfflineReason(restart.TopicPartition) is null || _image is null || _shutdownReplyTo is not null)
                return;
            var tp = restart.TopicPartition;
            if (_image.Topics.TryGetValue(tp.Topic, out var topic) && tp.Partition < topic.Partitions.Length && topic.Partitions[tp.Partition].Leader == _settings.NodeId)
            {
                var failedId = _failed[tp].TopicId;
                if (failedId != topic.TopicId && !RemoveFiles(tp, failedId))
                {
                    // Still the old id: the next attempt tries the removal again before it opens anything.
                    Failed(tp, failedId, $"the files of the deleted topic that used this name could not be removed from {DirectoryOf(tp)}");
                    return;
                }

                Log.LogInformation("Partition {Partition}: reopening its log (attempt {Attempt})", tp, _failed[tp].Attempts + 1);
                StartReplica(tp, topic, topic.Partitions[tp.Partition]);
            }
            else
            {
                Forget(tp);
            }
        });
    }

    public static Props Props(BrokerSettings settings, PartitionRegistry registry) =>
        Actors.Props.Create(() => new ReplicaManager(settings, registry));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer("retention", CheckRetention.Instance, _settings.RetentionCheckInterval);

    // A failed replica stops (its log state is unknown); Terminated marks it offline.
    protected override SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.StoppingStrategy;

    private void Reconcile()
    {
        if (_image is null || _shutdownReplyTo is not null)
            return;
        var wanted = new Dictionary<TopicPartition, (TopicImage Topic, PartitionImage Partition)>();
        foreach (var topic in _image.Topics.Values)
        {
            foreach (var partition in topic.Partitions)
            {
                if (partition.Leader == _settings.NodeId)
                    wanted[new TopicPartition(topic.Name, partition.Index)] = (topic, partition);
            }
        }

        foreach (var state in _registry.All.ToList())
        {
            if (!wanted.TryGetValue(state.TopicPartition, out var desired) || desired.Topic.TopicId != state.TopicId)
                StopReplica(state, delete: true);
        }

        foreach (var (tp, (topic, partition)) in wanted)
        {
            var existing = _registry.Find(tp);
            if (existing is not null && existing.TopicId == topic.TopicId)
            {
                existing.Replica.Tell(new UpdateReplicaPolicy(PolicyFor(topic)));
                continue;
            }

            // A failed partition restarts on its own timer, not at every metadata change.
            if (existing is null && !_stopping.ContainsKey(tp) && !_failed.ContainsKey(tp))
                StartReplica(tp, topic, partition);
        }

        foreach (var tp in _failed.Keys.Where(tp => !wanted.ContainsKey(tp)).ToList())
            Forget(tp);
    }

    private ReplicaPolicy PolicyFor(TopicImage topic) => ReplicaPolicy.For(topic.Config, _settings.Defaults);

    // A replica finished starting (recovered, or failed): metadata waiting on it may be answered; at startup, the
    // last one ends the recovery with a summary line.
    private void NoLongerStarting(TopicPartition tp)
    {
        if (!_starting.Remove(tp))
            return;
        if (_starting.Count == 0 && _recoveryClock is { } clock)
        {
            Timers.Cancel("recovery-progress");
            Log.LogInformation("Recovered {Count} partition log(s) in {Elapsed:0.0} s", _recovering, clock.Elapsed.TotalSeconds);
            _recoveryClock = null;
        }

        ReplyIfSettled();
    }

    private void LogRecoveryProgress(string what)
    {
        int done = _recovering - _starting.Count;
        Log.LogInformation("Recovering partition logs: {Done} of {Total} {What} ({Percent}%), {Elapsed:0.0} s so far",
            done, _recovering, what, _recovering == 0 ? 100 : done * 100 / _recovering, _recoveryClock!.Elapsed.TotalSeconds);
    }

    private void StartReplica(TopicPartition tp, TopicImage topic, PartitionImage partition)
    {
        // Opening logs runs inside this actor, one after the other: report progress from here too at startup.
        if (_recoveryClock is { } clock && _recovering == 0 && clock.Elapsed - _lastProgress >= _settings.RecoveryProgressInterval)
        {
            _lastProgress = clock.Elapsed;
            Log.LogInformation("Recovering partition logs: {Opened} opened so far, {Elapsed:0.0} s", _starting.Count, clock.Elapsed.TotalSeconds);
        }

        var policy = PolicyFor(topic);
        var directory = DirectoryOf(tp);
        Persistence.SegmentLog.Log log;
        try
        {
            var onDisk = PartitionMetadataFile.Read(directory);
            if (onDisk is { } other && other != topic.TopicId)
            {
                // A deleted topic's files that outlived it under a name now used again: never the new topic's records.
                Log.LogWarning("Partition {Partition}: removing {Directory}, which holds the files of deleted topic id {Old}, not of topic id {New}",
                    tp, directory, other, topic.TopicId);
                Persistence.SegmentLog.DirectoryRemoval.Delete(directory);
            }

            log = Persistence.SegmentLog.Log.Open(directory, policy.LogConfig, _loggers.CreateLogger($"ActorStream.Broker.Log.{tp}"), _settings.Time);
            if (onDisk != topic.TopicId)
            {
                try
                {
                    PartitionMetadataFile.Write(directory, topic.TopicId);
                }
                catch
                {
                    log.Dispose();
                    throw;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Persistence.SegmentLog.LogCorruptException)
        {
            Log.LogError(e, "Partition {Partition}: its log in {Directory} cannot be opened: {Message}", tp, directory, e.Message);
            Failed(tp, topic.TopicId, $"its log in {directory} cannot be opened: {e.Message}");
            return;
        }

        var state = new PartitionState(tp, topic.TopicId, log, partition.LeaderEpoch);
        var replica = Context.ActorOf(PartitionReplica.Props(state, policy, _settings.Replica), $"{tp}-{topic.TopicId:N}");
        state.Replica = replica;
        Context.Watch(replica);
        _registry.Add(state);
        _starting.Add(tp);
    }

    // Offline now; tried again after a backoff that doubles with every failed attempt.
    private void Failed(TopicPartition tp, Guid topicId, string reason)
    {
        int attempts = _failed.GetValueOrDefault(tp).Attempts;
        _failed[tp] = (attempts + 1, topicId);
        _registry.MarkOffline(tp, reason);
        double factor = Math.Pow(2, Math.Min(attempts, 30));
        var delay = TimeSpan.FromMilliseconds(Math.Min(_settings.ReplicaRestartBackoffMin.TotalMilliseconds * factor, _settings.ReplicaRestartBackoffMax.TotalMilliseconds));
        Timers.StartSingleTimer($"restart-{tp}", new RestartFailedReplica(tp), delay);
        string after = delay.TotalSeconds >= 1
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{delay.TotalSeconds:0.#} s")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{delay.TotalMilliseconds:0} ms");
        Log.LogError("Partition {Partition} is offline: {Reason}. Producers get KAFKA_STORAGE_ERROR and retry; its log is reopened in {Delay} (check the disk: space, permissions, errors)",
            tp, reason, after);
    }

    // Its topic is gone (or no longer led here): an offline partition has no replica to delete its files, so it is
    // done here, or a topic re-created under the name would find the old records.
    private void Forget(TopicPartition tp)
    {
        // Only when no replica has the directory (one restarting, or being stopped with its files, deletes them itself).
        if (_registry.OfflineReason(tp) is not null && _registry.Find(tp) is null && !_stopping.ContainsKey(tp)
            && _failed.TryGetValue(tp, out var failure)
            && (_image?.Topic(tp.Topic) is not { } topic || topic.TopicId != failure.TopicId || tp.Partition >= topic.Partitions.Length)
            && !RemoveFiles(tp, failure.TopicId))
        {
            // Kept failed under the old id, so a topic re-created under the name never opens these files; retried.
            Failed(tp, failure.TopicId, $"the files of deleted topic id {failure.TopicId} could not be removed from {DirectoryOf(tp)}");
            return;
        }

        _failed.Remove(tp);
        _registry.MarkOnline(tp);
        Timers.Cancel($"restart-{tp}");
    }

    private string DirectoryOf(TopicPartition tp) => Path.Combine(_settings.DataDirectory, tp.ToString());

    private bool RemoveFiles(TopicPartition tp, Guid topicId)
    {
        var directory = DirectoryOf(tp);
        try
        {
            if (Directory.Exists(directory))
                Persistence.SegmentLog.DirectoryRemoval.Delete(directory);
            else if (File.Exists(directory))
                File.Delete(directory);
            Log.LogInformation("Removed the files of offline partition {Partition} of deleted topic id {TopicId} ({Directory})", tp, topicId, directory);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogError(e, "Could not remove the files of offline partition {Partition} of deleted topic id {TopicId} in {Directory}: {Message}", tp, topicId, directory, e.Message);
            return false;
        }
    }

    private void StopReplica(PartitionState state, bool delete)
    {
        if (_stopping.ContainsKey(state.TopicPartition))
            return;
        _stopping[state.TopicPartition] = state;
        Context.Unwatch(state.Replica);
        state.Replica.Tell(new StopReplica(delete));
        if (delete)
            Log.LogInformation("Deleting partition {Partition} (topic id {TopicId}): closing its log and removing its files", state.TopicPartition, state.TopicId);
    }

    // An image counts as applied once its replicas recovered (their high watermarks are set, so a fetch or a
    // ListOffsets "latest" right after a start sees every committed record) and deleted ones are gone.
    private void ReplyIfSettled()
    {
        if (_stopping.Count > 0 || _starting.Count > 0)
            return;
        foreach (var (replyTo, version) in _waiting)
            replyTo.Tell(new MetadataApplied(version));
        _waiting.Clear();
    }

    // A topic deleted while the node was down (or whose deletion a crash interrupted) leaves a directory that no
    // partition claims: remove it, so a deleted topic's data never comes back.
    private void DeleteOrphanDirectories(MetadataImage image)
    {
        if (!Directory.Exists(_settings.DataDirectory))
            return;
        foreach (var leftover in Persistence.SegmentLog.DirectoryRemoval.DeleteLeftovers(_settings.DataDirectory))
            Log.LogWarning("Removed {Directory}: a partition directory whose removal was interrupted", leftover);
        foreach (var directory in Directory.EnumerateDirectories(_settings.DataDirectory).ToList())
        {
            var match = PartitionDirectory().Match(Path.GetFileName(directory));
            if (!match.Success)
                continue;
            var tp = new TopicPartition(match.Groups[1].Value, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            if (image.Partition(tp) is null)
            {
                Log.LogWarning("Removing {Directory}: partition {Partition} is not in the cluster metadata (its topic was deleted)", directory, tp);
                Persistence.SegmentLog.DirectoryRemoval.Delete(directory);
            }
        }
    }

    private sealed record RestartFailedReplica(TopicPartition TopicPartition);

    private sealed record ReplicaStayedUp(TopicPartition TopicPartition);

    private sealed class RecoveryProgress
    {
        public static readonly RecoveryProgress Instance = new();
    }

    [GeneratedRegex(@"^([a-zA-Z0-9._-]+)-([0-9]+)$")]
    private static partial Regex PartitionDirectory();
}
