using ControlPlane.Infrastructure.ObjectStore;

namespace ControlPlane.IntegrationTests.ObjectStore;

/// <summary>A fresh bucket on the shared S3 server for one test class, and a store on it.</summary>
public sealed class ArtifactBucketFixture : IAsyncLifetime
{
    public ObjectStoreOptions Options { get; private set; } = null!;

    public S3ArtifactStore Store { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        var endpoint = await S3Server.StartAsync();
        Options = await endpoint.CreateBucketAsync("artifacts");
        Store = new S3ArtifactStore(Options);
    }

    /// <summary>Uploads through a presigned URL exactly as a client would with curl -T: a plain PUT of the bytes.</summary>
    public async Task UploadAsync(string key, byte[] content)
    {
        var url = Store.PresignUpload(key, TimeSpan.FromMinutes(5)).Url;
        using var response = await Http.PutAsync(url, new ByteArrayContent(content));
        Assert.True(response.IsSuccessStatusCode, $"PUT {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public Task DisposeAsync()
    {
        Store.Dispose();
        Http.Dispose();
        return Task.CompletedTask;
    }
}
