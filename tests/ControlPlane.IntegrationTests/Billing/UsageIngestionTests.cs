namespace ControlPlane.IntegrationTests.Billing;

/// <summary>POST /v1/usage-events:batch: exactly once per (tenant, source, id), per-event errors, limits and tenancy.</summary>
public sealed class UsageIngestionTests(BillingApp app) : IClassFixture<BillingApp>
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-5);

    private static object[] Tokens(string prefix, int from, int count, decimal quantity = 1000m) =>
        [.. Enumerable.Range(from, count).Select(i => BillingFixtures.Event($"{prefix}-{i}", "tokens-in", At, quantity, new { model = "llm" }))];

    [Fact]
    public async Task The_same_batch_sent_twice_is_counted_once()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("twice", "developer");
        using var client = app.ClientWithToken(sa.Token);

        var first = await client.PostUsageAsync(Tokens("e", 0, 3));
        var second = await client.PostUsageAsync(Tokens("e", 0, 3));

        Assert.Equal((3, 0), (first.GetProperty("accepted").GetInt32(), first.GetProperty("duplicates").GetInt32()));
        Assert.Equal((0, 3), (second.GetProperty("accepted").GetInt32(), second.GetProperty("duplicates").GetInt32()));
        Assert.Empty(second.GetProperty("errors").EnumerateArray());
        var costs = await client.CostsAsync("twice", "meter");
        Assert.Equal(3000m, costs.Quantity("tokens-in", "tokens-in"));
        Assert.Equal(3000m * BillingFixtures.TokensInLlm, costs.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task Overlapping_batches_count_only_the_new_events_and_an_id_repeated_in_one_batch_once()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("overlap", "developer");
        using var client = app.ClientWithToken(sa.Token);

        var a = await client.PostUsageAsync(Tokens("o", 0, 4));
        var b = await client.PostUsageAsync([.. Tokens("o", 2, 5), .. Tokens("o", 6, 1)]);
        // The same id from another source is another event.
        var c = await client.PostUsageAsync([BillingFixtures.Event("o-0", "tokens-in", At, 1000m, new { model = "llm" }, source: "serving/us-1")]);

        Assert.Equal(4, a.GetProperty("accepted").GetInt32());
        Assert.Equal((3, 3), (b.GetProperty("accepted").GetInt32(), b.GetProperty("duplicates").GetInt32()));
        Assert.Equal(1, c.GetProperty("accepted").GetInt32());
        Assert.Equal(8000m, (await client.CostsAsync("overlap", "meter")).Quantity("tokens-in", "tokens-in"));
    }

    [Fact]
    public async Task An_id_repeated_in_one_batch_keeps_its_first_copy_whatever_the_order_of_the_batch()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("firstcopy", "developer");
        using var client = app.ClientWithToken(sa.Token);

        // Ids out of order, the repeated one with another quantity: the store sorts the batch, the first copy still wins.
        var batch = await client.PostUsageAsync([.. Tokens("f", 3, 1, 700m), .. Tokens("f", 1, 2), .. Tokens("f", 3, 1, 5000m), .. Tokens("f", 0, 1)]);

        Assert.Equal((4, 1), (batch.GetProperty("accepted").GetInt32(), batch.GetProperty("duplicates").GetInt32()));
        Assert.Equal(3700m, (await client.CostsAsync("firstcopy", "meter")).Quantity("tokens-in", "tokens-in"));
    }

    [Fact]
    public async Task Concurrent_identical_batches_never_double_count()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("racing", "developer");
        var batch = Tokens("r", 0, 200, 7m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var client = app.ClientWithToken(sa.Token);
            return await client.PostUsageAsync(batch);
        }));

        Assert.Equal(200, responses.Sum(r => r.GetProperty("accepted").GetInt32()));
        Assert.Equal(7 * 200, responses.Sum(r => r.GetProperty("duplicates").GetInt32()));
        using var reader = app.ClientWithToken(sa.Token);
        Assert.Equal(1400m, (await reader.CostsAsync("racing", "meter")).Quantity("tokens-in", "tokens-in"));
        var verification = await (await reader.PostAsync($"/v1/tenants/racing/statements/{BillingFixtures.Month(At)}:verify", null))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(200, verification.GetProperty("rawEvents").GetInt64());
        Assert.True(verification.GetProperty("matches").GetBoolean());
    }

    [Fact]
    public async Task Invalid_events_are_reported_one_by_one_and_the_valid_ones_stored()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("partial", "developer");
        using var client = app.ClientWithToken(sa.Token);

        var response = await client.PostAsJsonAsync("/v1/usage-events:batch", new
        {
            events = new object[]
            {
                BillingFixtures.Event("ok-1", "inferences", At, 10m),
                BillingFixtures.Event("bad-meter", "gpu-minutes", At, 1m),
                BillingFixtures.Event("negative", "inferences", At, -1m),
                new { id = "nan", source = "s", type = "inferences", time = At.ToString("O"), data = new { quantity = "NaN" } },
                BillingFixtures.Event("future", "inferences", DateTimeOffset.UtcNow.AddHours(4), 1m),
                BillingFixtures.Event("stranger", "inferences", At, 1m, subject: "not-a-placement"),
                new { id = "no-time", source = "s", type = "inferences", time = "yesterday", data = new { quantity = 1 } },
                BillingFixtures.Event("ok-2", "inferences", At, 5m),
                BillingFixtures.Event("27-decimals", "tokens-in", At, 0.123456789012345678901234567m),
                BillingFixtures.Event("2^63", "egress-bytes", At, 9_223_372_036_854_775_808m),
                new { id = "tiny", source = "s", type = "inferences", time = At.ToString("O"), data = new { quantity = 1e-30 } },
                BillingFixtures.Event("year-1", "inferences", new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero), 1m),
                BillingFixtures.Event("before-tenant", "inferences", DateTimeOffset.UtcNow.AddDays(-1), 1m),
            },
        });

        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("duplicates").GetInt32());
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12], errors.Select(e => e.GetProperty("index").GetInt32()));
        Assert.Equal(["bad-meter", "negative", "nan", "future", "stranger", "no-time", "27-decimals", "2^63", "tiny", "year-1", "before-tenant"],
            errors.Select(e => e.GetProperty("id").GetString()));
        Assert.Contains("not a meter", errors[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Quantities a decimal of the stored scale cannot hold are refused, never rounded or stored at hour -infinity.
        Assert.All([errors[1], errors[2], errors[6], errors[7], errors[8]], e => Assert.Equal(
            "data.quantity must be a number from 0 to below 10^15 with at most 6 decimals", e.GetProperty("detail").GetString()));
        Assert.All([errors[9], errors[10]], e => Assert.Contains("before the tenant existed", e.GetProperty("detail").GetString(), StringComparison.Ordinal));
        Assert.Contains("future", errors[3].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("not a placement of this tenant", errors[4].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("gpu-minutes", errors[0].GetProperty("type").GetString());
        Assert.Equal(15m, (await client.CostsAsync("partial", "meter")).Quantity("inferences", "inferences"));
    }

    [Fact]
    public async Task A_batch_over_1000_events_is_refused_with_413_and_nothing_is_stored()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("huge", "developer");
        using var client = app.ClientWithToken(sa.Token);

        var response = await client.PostAsJsonAsync("/v1/usage-events:batch", new { events = Tokens("h", 0, 1001) });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Contains("1000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0m, (await client.CostsAsync("huge", "meter")).GetProperty("total").GetDecimal());
        Assert.Empty((await client.CostsAsync("huge", "meter")).GetProperty("groups").EnumerateArray());
    }

    [Fact]
    public async Task Tenants_post_only_their_own_usage_with_developer_role_and_operators_name_the_tenant()
    {
        await app.EnsurePriceBookAsync();
        var dev = await app.CreateTenantWithAccountAsync("owner", "developer");
        var viewer = await app.CreateAccountAsync("owner", "reader", "viewer");
        var intruder = await app.CreateTenantWithAccountAsync("snoop", "tenant-admin");
        using var intruderClient = app.ClientWithToken(intruder.Token);

        var victim = await intruderClient.PostAsJsonAsync("/v1/usage-events:batch", new { tenant = "owner", events = Tokens("x", 0, 1) });
        var ghost = await intruderClient.PostAsJsonAsync("/v1/usage-events:batch", new { tenant = "ghost", events = Tokens("x", 0, 1) });
        var victimProblem = await victim.ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        var ghostProblem = await ghost.ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(ghostProblem.GetProperty("detail").GetString()!.Replace("ghost", "owner", StringComparison.Ordinal),
            victimProblem.GetProperty("detail").GetString());

        using var viewerClient = app.ClientWithToken(viewer.Token);
        await (await viewerClient.PostAsJsonAsync("/v1/usage-events:batch", new { events = Tokens("v", 0, 1) }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        using var op = await app.OperatorClientAsync();
        await (await op.PostAsJsonAsync("/v1/usage-events:batch", new { events = Tokens("n", 0, 1) }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var posted = await op.PostUsageAsync(Tokens("op", 0, 2), tenant: "owner");
        Assert.Equal(2, posted.GetProperty("accepted").GetInt32());

        using var devClient = app.ClientWithToken(dev.Token);
        Assert.Equal(2000m, (await devClient.CostsAsync("owner", "meter")).Quantity("tokens-in", "tokens-in"));
        Assert.Empty((await intruderClient.CostsAsync("snoop", "meter")).GetProperty("groups").EnumerateArray());
    }
}
