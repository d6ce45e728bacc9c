using System.Text;

namespace ActorStream.Records.Tests;

public sealed class Crc32CTests
{
    [Fact]
    public void Standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, Crc32C.AppendSoftware(0, "123456789"u8));
    }

    [Fact]
    public void Empty_input_is_zero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
        Assert.Equal(0x12345678u, Crc32C.Append(0x12345678u, []));
    }

    // Vectors from kafkajs' crc32C tests, which were checked against Kafka's Java Crc32C.
    [Fact]
    public void Matches_kafkajs_vectors()
    {
        Assert.Equal(1383945041u, Crc32C.Compute([0]));

        const string Lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Morbi mollis cursus metus vel tristique. Proin congue massa massa, a malesuada dolor ullamcorper a. Nulla eget leo vel orci venenatis placerat. Donec semper condimentum justo, vel sollicitudin dolor consequat id. Nunc sed aliquet felis, eget congue nisi. Mauris eu justo suscipit, elementum turpis ut, molestie tellus. Mauris ornare rutrum fringilla. Nulla dignissim luctus pretium. Nullam nec eros hendrerit sapien pellentesque sollicitudin. Integer eget ligula dui. Mauris nec cursus nibh. Nunc interdum elementum leo, eu sagittis eros sodales nec. Duis dictum nulla sed tincidunt malesuada. Quisque in vulputate sapien. Sed sit amet tellus a est porta rhoncus sed eu metus. Mauris non pulvinar nisl, volutpat luctus enim. Suspendisse est nisi, sagittis at risus quis, ultricies rhoncus sem. Donec ullamcorper purus eget sapien facilisis, eu eleifend felis viverra. Suspendisse elit neque, semper aliquet neque sed, egestas tempus leo. Duis condimentum turpis duis.";
        byte[] lorem = Encoding.ASCII.GetBytes(Lorem);
        Assert.Equal(1796588439u, Crc32C.Compute(lorem));
        Assert.Equal(1796588439u, Crc32C.AppendSoftware(0, lorem));
    }

    [Fact]
    public void Hardware_and_software_agree_on_random_inputs_of_many_lengths_and_alignments()
    {
        if (!Crc32C.IsHardwareAccelerated)
            return; // Nothing to compare on this CPU; the vectors above cover the table path.

        var random = new Random(7);
        var data = new byte[4096 + 16];
        random.NextBytes(data);
        for (int length = 0; length <= 300; length++)
        {
            for (int align = 0; align < 16; align++)
            {
                var slice = data.AsSpan(align, length);
                uint seed = length % 3 == 0 ? 0u : (uint)random.Next();
                Assert.Equal(Crc32C.AppendSoftware(seed, slice), Crc32C.AppendHardware(seed, slice));
            }
        }

        for (int i = 0; i < 200; i++)
        {
            int start = random.Next(16);
            int length = random.Next(data.Length - start);
            var slice = data.AsSpan(start, length);
            Assert.Equal(Crc32C.AppendSoftware(0, slice), Crc32C.AppendHardware(0, slice));
        }
    }

    [Fact]
    public void Appending_in_pieces_equals_computing_at_once()
    {
        var random = new Random(11);
        var data = new byte[2000];
        random.NextBytes(data);
        uint whole = Crc32C.Compute(data);

        for (int trial = 0; trial < 100; trial++)
        {
            uint crc = 0;
            uint soft = 0;
            int position = 0;
            while (position < data.Length)
            {
                int piece = Math.Min(random.Next(0, 40), data.Length - position);
                crc = Crc32C.Append(crc, data.AsSpan(position, piece));
                soft = Crc32C.AppendSoftware(soft, data.AsSpan(position, piece));
                position += piece;
            }

            Assert.Equal(whole, crc);
            Assert.Equal(whole, soft);
        }
    }
}
