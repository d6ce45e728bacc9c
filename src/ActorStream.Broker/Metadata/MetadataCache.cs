namespace ActorStream.Broker.Metadata;

/// <summary>
/// This broker's copy of the committed metadata: one volatile reference to an immutable image, swapped whole by
/// the controller's publications, so request handlers on any thread read it without locks.
/// </summary>
public sealed class MetadataCache(MetadataImage initial)
{
    private MetadataImage _current = initial;

    public MetadataImage Current => Volatile.Read(ref _current);

    /// <summary>Installs a newer image; an older one (a late publication) is ignored.</summary>
    public void Publish(MetadataImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        while (true)
        {
            var current = Volatile.Read(ref _current);
            if (image.Version < current.Version)
                return;
            if (Interlocked.CompareExchange(ref _current, image, current) == current)
                return;
        }
    }
}
