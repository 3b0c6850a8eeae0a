using System.Globalization;

namespace ControlPlane.IntegrationTests.Billing;

/// <summary>Storage is billed on distinct bytes, as the storage quota counts them.</summary>
public sealed class StorageMeteringTests(BillingApp app) : IClassFixture<BillingApp>
{
    [Fact]
    public async Task Weights_shared_by_two_versions_are_billed_once()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("shared-bytes", "developer");
        await app.SetQuotaAsync("shared-bytes", "storage.bytes", 10_000_000);
        using var client = app.ClientWithToken(sa.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/shared-bytes/models", new { name = "llm" })).ExpectAsync(HttpStatusCode.Created);
        var weights = ModelFile.Random("model.safetensors", 300_000, 11);
        var first = await PublishAsync(client, [weights, ModelFile.Random("config.json", 400, 12)], 1);
        var second = await PublishAsync(client, [weights, ModelFile.Random("config.json", 500, 13)], 2);

        var now = second.AddHours(1);
        await app.MeteringPassAsync(now);

        var upTo = now - Application.Billing.SystemMetering.SettleDelay;
        upTo = new DateTimeOffset(upTo.UtcTicks - (upTo.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        // The first version carries the shared weights; the second adds only its own config.
        var expected = (300_400m * (decimal)(upTo - first).TotalSeconds + 500m * (decimal)(upTo - second).TotalSeconds) / 3600m;
        var to = Uri.EscapeDataString(now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        var costs = await (await client.GetAsync($"/v1/tenants/shared-bytes/costs?groupBy=model&to={to}")).ExpectAsync(HttpStatusCode.OK);
        Assert.InRange(costs.Quantity("llm", "storage-byte-hours"), expected - 0.01m, expected + 0.01m);
    }

    private static async Task<DateTimeOffset> PublishAsync(HttpClient client, ModelFile[] files, int version)
    {
        var registered = await (await client.RegisterFilesAsync("shared-bytes", "llm", files)).ExpectAsync(HttpStatusCode.Created);
        await ModelManifests.UploadAllAsync(registered, files);
        return (await client.FinalizeAsync("shared-bytes", "llm", version)).GetProperty("finalizedAt").GetDateTimeOffset();
    }
}
