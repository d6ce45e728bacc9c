namespace ActorStream.Persistence.Tests;

/// <summary>The snapshot-store contract; every store derives from this and runs all of it.</summary>
public abstract class SnapshotStoreSpec : IDisposable
{
    public sealed record State(string Name, int[] Values);

    protected abstract ISnapshotStore Store { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private Task Save(string pid, long seq, string name) =>
        Store.SaveAsync(new SnapshotMetadata(pid, seq, 1_700_000_000_000 + seq), new State(name, [(int)seq, 2, 3]));

    [Fact]
    public async Task Loads_the_latest_snapshot_with_its_state()
    {
        await Save("p", 5, "five");
        await Save("p", 9, "nine");
        var loaded = await Store.LoadAsync("p", SnapshotSelectionCriteria.Latest);
        Assert.NotNull(loaded);
        Assert.Equal(9, loaded.Metadata.SequenceNr);
        var state = Assert.IsType<State>(loaded.Snapshot);
        Assert.Equal("nine", state.Name);
        Assert.Equal([9, 2, 3], state.Values);
    }

    [Fact]
    public async Task Loads_the_newest_snapshot_within_the_criteria()
    {
        await Save("p", 5, "five");
        await Save("p", 9, "nine");
        var loaded = await Store.LoadAsync("p", new SnapshotSelectionCriteria(MaxSequenceNr: 8));
        Assert.Equal(5, loaded!.Metadata.SequenceNr);
        Assert.Null(await Store.LoadAsync("p", new SnapshotSelectionCriteria(MaxSequenceNr: 4)));
        Assert.Null(await Store.LoadAsync("other", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task Deletes_the_snapshots_the_criteria_select()
    {
        await Save("p", 5, "five");
        await Save("p", 9, "nine");
        await Store.DeleteAsync("p", new SnapshotSelectionCriteria(MaxSequenceNr: 5));
        Assert.Equal(9, (await Store.LoadAsync("p", SnapshotSelectionCriteria.Latest))!.Metadata.SequenceNr);
        Assert.Null(await Store.LoadAsync("p", new SnapshotSelectionCriteria(MaxSequenceNr: 8)));
    }
}

public sealed class MemorySnapshotStoreSpec : SnapshotStoreSpec
{
    protected override ISnapshotStore Store { get; } = new MemorySnapshotStore();
}

public sealed class FileSnapshotStoreSpec : SnapshotStoreSpec
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorstream-snapshots-").FullName;

    public FileSnapshotStoreSpec() => Store = new FileSnapshotStore(_dir);

    protected override ISnapshotStore Store { get; }

    [Fact]
    public async Task Snapshots_survive_a_new_store_instance_and_a_corrupt_newest_falls_back_to_an_older_one()
    {
        await Store.SaveAsync(new SnapshotMetadata("acc/1", 3, 100), new State("three", [3]));
        await Store.SaveAsync(new SnapshotMetadata("acc/1", 7, 200), new State("seven", [7]));
        var reopened = new FileSnapshotStore(_dir);
        Assert.Equal("seven", ((State)(await reopened.LoadAsync("acc/1", SnapshotSelectionCriteria.Latest))!.Snapshot).Name);

        // Flip a byte inside the newest file's record: its CRC no longer matches, so the older snapshot is used.
        var newest = Directory.GetFiles(Path.Combine(_dir, "acc%2F1"), "*.log").Order(StringComparer.Ordinal).Last();
        var bytes = await File.ReadAllBytesAsync(newest);
        bytes[^3] ^= 0xFF;
        await File.WriteAllBytesAsync(newest, bytes);
        var fallback = await reopened.LoadAsync("acc/1", SnapshotSelectionCriteria.Latest);
        Assert.Equal(3, fallback!.Metadata.SequenceNr);
    }

    public override void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        base.Dispose();
    }
}
