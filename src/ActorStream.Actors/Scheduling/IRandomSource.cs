namespace ActorStream.Actors.Scheduling;

/// <summary>Randomness the runtime and its users draw from; seeded in simulations so a run can be replayed.</summary>
public interface IRandomSource
{
    int Next(int maxExclusive);

    double NextDouble();

    long NextInt64();
}

public sealed class SeededRandom : IRandomSource
{
    private readonly Random _random;
    private readonly Lock _lock = new();

    public SeededRandom(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
    }

    public int Seed { get; }

    public int Next(int maxExclusive)
    {
        lock (_lock)
        {
            return _random.Next(maxExclusive);
        }
    }

    public double NextDouble()
    {
        lock (_lock)
        {
            return _random.NextDouble();
        }
    }

    public long NextInt64()
    {
        lock (_lock)
        {
            return _random.NextInt64();
        }
    }
}

public sealed class SharedRandom : IRandomSource
{
    public static readonly SharedRandom Instance = new();

    public int Next(int maxExclusive) => Random.Shared.Next(maxExclusive);

    public double NextDouble() => Random.Shared.NextDouble();

    public long NextInt64() => Random.Shared.NextInt64();
}
