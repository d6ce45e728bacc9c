using System.Collections.Immutable;
using ActorStream.Actors;
using ActorStream.Broker.Metadata;
using ActorStream.Broker.Replication;
using ActorStream.Broker.Topics;
using ActorStream.Persistence;
using Microsoft.Extensions.Logging;

namespace ActorStream.Broker.Controller;

/// <summary>
/// The controller: owner of the cluster metadata (topics, their partitions, placements and configs, producer id
/// blocks). Every change is validated, persisted to the metadata log, applied to a new immutable image, published to
/// the broker's metadata cache and handed to the replica manager; the request is answered only once the replicas
/// follow the image (a deleted topic's files are gone, a created topic's partitions accept produce). On one node the
/// controller is local; the cluster issues make it a singleton on the oldest member, with the same protocol.
/// </summary>
public sealed class ControllerActor : PersistentActor
{
    /// <summary>Producer ids reserved per metadata write (Kafka's ProducerIdManager hands out blocks the same way).</summary>
    public const int ProducerIdBlockSize = 1000;

    private readonly BrokerSettings _settings;
    private readonly MetadataCache _cache;
    private readonly IActorRef _replicaManager;
    private readonly List<(long Version, IActorRef ReplyTo, object Reply)> _pending = [];
    private readonly List<IActorRef> _readyWaiters = [];
    private MetadataImage _image;
    private long _nextProducerId;
    private long _reservedProducerIds;
    private bool _ready;

    public ControllerActor(BrokerSettings settings, MetadataCache cache, IActorRef replicaManager)
    {
        _settings = settings;
        _cache = cache;
        _replicaManager = replicaManager;
        _image = cache.Current;
    }

    public static Props Props(BrokerSettings settings, MetadataCache cache, IActorRef replicaManager) =>
        Actors.Props.Create(() => new ControllerActor(settings, cache, replicaManager));

    public override string PersistenceId => "__cluster_metadata";

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case RecoveryCompleted:
                // Ids of the last reserved block may have been handed out before the restart: start a new block.
                _nextProducerId = _reservedProducerIds;
                Log.LogInformation("Controller recovered the cluster metadata: {Topics} topic(s), {Partitions} partition(s)",
                    _image.Topics.Count, _image.Topics.Values.Sum(t => t.Partitions.Length));
                Self.Tell(Initialize.Instance);
                return true;
            default:
                Apply(message);
                return true;
        }
    }

    protected override bool ReceiveCommand(object message)
    {
        switch (message)
        {
            case Initialize:
                if (_image.ClusterId.Length == 0)
                    Persist(new ClusterCreated(NewClusterId()), e => Commit(e, null, null));
                else
                    Commit(null, null, null);
                return true;
            case AwaitControllerReady:
                if (_ready)
                    Sender.Tell(new ControllerReady(_image));
                else
                    _readyWaiters.Add(Sender);
                return true;
            case MetadataApplied applied:
                OnApplied(applied);
                return true;
            case CreateTopic create:
                OnCreateTopic(create);
                return true;
            case DeleteTopic delete:
                OnDeleteTopic(delete);
                return true;
            case CreatePartitions create:
                OnCreatePartitions(create);
                return true;
            case AlterTopicConfigs alter:
                OnAlterConfigs(alter);
                return true;
            case AllocateProducerId:
                OnAllocateProducerId();
                return true;
            default:
                return false;
        }
    }

    private void OnCreateTopic(CreateTopic create)
    {
        var error = ValidateTopicName(create.Name);
        if (error is null && _image.Topic(create.Name) is not null)
            error = new ApiError(ErrorCode.TopicAlreadyExists, $"Topic '{create.Name}' already exists.");
        int partitions = create.NumPartitions == -1 ? _settings.Defaults.NumPartitions : create.NumPartitions;
        int replication = create.ReplicationFactor == -1 ? _settings.Defaults.DefaultReplicationFactor : create.ReplicationFactor;
        if (error is null && partitions <= 0)
            error = new ApiError(ErrorCode.InvalidPartitions, $"Number of partitions was set to an invalid non-positive value ({partitions}).");
        if (error is null && replication <= 0)
            error = new ApiError(ErrorCode.InvalidReplicationFactor, $"Replication factor was set to an invalid non-positive value ({replication}).");
        if (error is null && replication > _image.Brokers.Count)
            error = new ApiError(ErrorCode.InvalidReplicationFactor, $"Replication factor: {replication} larger than available brokers: {_image.Brokers.Count}.");

        TopicConfig? config = null;
        if (error is null)
        {
            try
            {
                config = TopicConfig.Create(create.Configs);
            }
            catch (InvalidConfigException e)
            {
                error = new ApiError(ErrorCode.InvalidConfig, e.Message);
            }
        }

        if (error is not null)
        {
            Sender.Tell(new TopicCreateResult(create.Name, error, null));
            return;
        }

        var replicas = _image.Brokers.Keys.Order().Take(replication).ToArray();
        var created = new TopicCreated(create.Name, Guid.NewGuid(), partitions, replication, replicas, new Dictionary<string, string>(config!.Overrides));
        if (create.ValidateOnly)
        {
            Sender.Tell(new TopicCreateResult(create.Name, ApiError.None, ToTopic(created)));
            return;
        }

        Persist(created, e => Commit(e, Sender, new TopicCreateResult(e.Name, ApiError.None, null)));
    }

    private void OnDeleteTopic(DeleteTopic delete)
    {
        var topic = delete.Name is not null ? _image.Topic(delete.Name) : _image.TopicById(delete.TopicId);
        if (topic is null)
        {
            var error = delete.Name is not null
                ? new ApiError(ErrorCode.UnknownTopicOrPartition, $"Topic '{delete.Name}' does not exist.")
                : new ApiError(ErrorCode.UnknownTopicId, $"Topic id {delete.TopicId} does not exist.");
            Sender.Tell(new TopicDeleteResult(delete.Name, delete.TopicId, error));
            return;
        }

        Persist(new TopicDeleted(topic.Name, topic.TopicId), e => Commit(e, Sender, new TopicDeleteResult(e.Name, e.TopicId, ApiError.None)));
    }

    private void OnCreatePartitions(CreatePartitions create)
    {
        var topic = _image.Topic(create.Name);
        ApiError? error = topic switch
        {
            null => new ApiError(ErrorCode.UnknownTopicOrPartition, $"Topic '{create.Name}' does not exist."),
            _ when create.TotalCount == topic.Partitions.Length => new ApiError(ErrorCode.InvalidPartitions, $"Topic already has {topic.Partitions.Length} partitions."),
            _ when create.TotalCount < topic.Partitions.Length => new ApiError(ErrorCode.InvalidPartitions,
                $"Topic currently has {topic.Partitions.Length} partitions, which is higher than the requested {create.TotalCount}."),
            _ => null,
        };
        if (error is not null || create.ValidateOnly)
        {
            Sender.Tell(new CreatePartitionsResult(create.Name, error ?? ApiError.None));
            return;
        }

        Persist(new PartitionsCreated(topic!.Name, topic.TopicId, create.TotalCount), e => Commit(e, Sender, new CreatePartitionsResult(e.Name, ApiError.None)));
    }

    private void OnAlterConfigs(AlterTopicConfigs alter)
    {
        var topic = _image.Topic(alter.Name);
        if (topic is null)
        {
            Sender.Tell(new AlterTopicConfigsResult(alter.Name, new ApiError(ErrorCode.UnknownTopicOrPartition, $"Topic '{alter.Name}' does not exist.")));
            return;
        }

        if (alter.ValidateOnly)
        {
            Sender.Tell(new AlterTopicConfigsResult(alter.Name, ApiError.None));
            return;
        }

        Persist(new TopicConfigsChanged(topic.Name, topic.TopicId, new Dictionary<string, string>(alter.Config.Overrides)),
            e => Commit(e, Sender, new AlterTopicConfigsResult(e.Name, ApiError.None)));
    }

    private void OnAllocateProducerId()
    {
        if (_nextProducerId < _reservedProducerIds)
        {
            Sender.Tell(new ProducerIdAllocated(_nextProducerId++, 0));
            return;
        }

        Persist(new ProducerIdBlockReserved(_reservedProducerIds + ProducerIdBlockSize), e =>
        {
            Apply(e);
            Sender.Tell(new ProducerIdAllocated(_nextProducerId++, 0));
        });
    }

    // Applies a persisted change, publishes the new image and answers once the replicas follow it.
    private void Commit(object? @event, IActorRef? replyTo, object? reply)
    {
        if (@event is not null)
            Apply(@event);
        _cache.Publish(_image);
        if (replyTo is not null)
            _pending.Add((_image.Version, replyTo, reply!));
        _replicaManager.Tell(new ApplyMetadata(_image));
        if (@event is TopicCreated created)
            Log.LogInformation("Created topic {Topic} (id {TopicId}) with {Partitions} partition(s), replication factor {Replication}", created.Name, created.TopicId, created.Partitions, created.ReplicationFactor);
        else if (@event is TopicDeleted deleted)
            Log.LogInformation("Deleted topic {Topic} (id {TopicId})", deleted.Name, deleted.TopicId);
        else if (@event is PartitionsCreated grown)
            Log.LogInformation("Topic {Topic} now has {Partitions} partitions", grown.Name, grown.Partitions);
        else if (@event is TopicConfigsChanged changed)
            Log.LogInformation("Topic {Topic} configs are now {{{Configs}}}", changed.Name, string.Join(", ", changed.Configs.Select(c => $"{c.Key}={c.Value}")));
    }

    private void OnApplied(MetadataApplied applied)
    {
        for (int i = 0; i < _pending.Count;)
        {
            if (_pending[i].Version <= applied.Version)
            {
                _pending[i].ReplyTo.Tell(_pending[i].Reply);
                _pending.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        if (!_ready && applied.Version >= _image.Version)
        {
            _ready = true;
            foreach (var waiter in _readyWaiters)
                waiter.Tell(new ControllerReady(_image));
            _readyWaiters.Clear();
        }
    }

    private void Apply(object @event)
    {
        long version = LastSequenceNr;
        _image = @event switch
        {
            ClusterCreated e => _image with { ClusterId = e.ClusterId },
            TopicCreated e => _image with { Topics = _image.Topics.SetItem(e.Name, ToTopic(e)) },
            TopicDeleted e => _image with { Topics = _image.Topics.Remove(e.Name) },
            PartitionsCreated e => _image with { Topics = _image.Topics.SetItem(e.Name, Grow(_image.Topics[e.Name], e.Partitions)) },
            TopicConfigsChanged e => _image with { Topics = _image.Topics.SetItem(e.Name, _image.Topics[e.Name] with { Config = new TopicConfig(e.Configs) }) },
            ProducerIdBlockReserved e => _image,
            _ => throw new InvalidOperationException($"Unknown metadata event {@event.GetType().Name}"),
        };
        if (@event is ProducerIdBlockReserved reserved)
        {
            _nextProducerId = _reservedProducerIds;
            _reservedProducerIds = reserved.NextProducerId;
        }

        _image = _image with { Version = version };
    }

    private TopicImage ToTopic(TopicCreated e)
    {
        var replicas = ImmutableArray.Create(e.Replicas);
        var partitions = Enumerable.Range(0, e.Partitions).Select(p => NewPartition(p, replicas)).ToImmutableArray();
        return new TopicImage(e.Name, e.TopicId, partitions, new TopicConfig(e.Configs));
    }

    private static TopicImage Grow(TopicImage topic, int total)
    {
        var replicas = topic.Partitions[0].Replicas;
        var added = Enumerable.Range(topic.Partitions.Length, total - topic.Partitions.Length).Select(p => NewPartition(p, replicas));
        return topic with { Partitions = topic.Partitions.AddRange(added) };
    }

    // The first replica leads: with one broker it is the only one; placement across brokers comes with the cluster.
    private static PartitionImage NewPartition(int index, ImmutableArray<int> replicas) =>
        new(index, replicas[0], 0, replicas, replicas);

    /// <summary>Kafka's topic name rules: 1-249 characters of [a-zA-Z0-9._-], and not "." or "..".</summary>
    public static ApiError? ValidateTopicName(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return new ApiError(ErrorCode.InvalidTopicException, "Topic name is illegal, it can't be empty");
        if (name is "." or "..")
            return new ApiError(ErrorCode.InvalidTopicException, "Topic name cannot be \".\" or \"..\"");
        if (name.Length > 249)
            return new ApiError(ErrorCode.InvalidTopicException, $"Topic name is illegal, it can't be longer than 249 characters, topic name: {name}");
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return new ApiError(ErrorCode.InvalidTopicException, $"Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
        }

        return null;
    }

    // Kafka's cluster ids are 22 characters of URL-safe base64 (a UUID).
    private static string NewClusterId() =>
        Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Initialize
    {
        public static readonly Initialize Instance = new();
    }
}
