namespace ActorStream.Kafka.Protocol.Schema;

/// <summary>The ordered fields of a message body or nested struct, with precomputed storage slots and tag order.</summary>
public sealed class StructSchema
{
    private readonly Dictionary<string, int> _byName;

    internal StructSchema(string name, FieldSchema[] fields)
    {
        Name = name;
        Fields = fields;
        _byName = new Dictionary<string, int>(fields.Length, StringComparer.Ordinal);
        int scalars = 0, refs = 0, memories = 0;
        for (int i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (!_byName.TryAdd(field.Name, i))
                throw new ArgumentException($"Struct {name} declares field {field.Name} twice.", nameof(fields));
            field.Index = i;
            switch (field.Kind)
            {
                case FieldKind.Uuid:
                    field.Slot = scalars;
                    scalars += 2;
                    break;
                case FieldKind.Bytes or FieldKind.Records:
                    field.Slot = memories++;
                    field.NullSlot = scalars++;
                    break;
                case FieldKind.String or FieldKind.Array or FieldKind.Struct:
                    field.Slot = refs++;
                    break;
                default:
                    field.Slot = scalars++;
                    break;
            }
        }

        ScalarSlots = scalars;
        RefSlots = refs;
        MemorySlots = memories;
        TaggedFields = [.. fields.Where(f => f.IsTagged).OrderBy(f => f.Tag)];
        for (int i = 1; i < TaggedFields.Length; i++)
        {
            if (TaggedFields[i].Tag == TaggedFields[i - 1].Tag)
                throw new ArgumentException($"Struct {name} uses tag {TaggedFields[i].Tag} twice.", nameof(fields));
        }
    }

    /// <summary>The struct's type name (e.g. TopicProduceData), for diagnostics.</summary>
    public string Name { get; }

    public IReadOnlyList<FieldSchema> Fields { get; }

    /// <summary>Tagged fields in ascending tag order, the order they are written.</summary>
    internal FieldSchema[] TaggedFields { get; }

    internal int ScalarSlots { get; }

    internal int RefSlots { get; }

    internal int MemorySlots { get; }

    /// <summary>Field index by name, or -1.</summary>
    public int IndexOf(string name) => _byName.TryGetValue(name, out int index) ? index : -1;

    public FieldSchema this[string name]
        => _byName.TryGetValue(name, out int index) ? Fields[index] : throw new KeyNotFoundException($"{Name} has no field {name}.");

    public override string ToString() => Name;
}
