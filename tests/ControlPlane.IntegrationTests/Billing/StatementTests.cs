namespace ControlPlane.IntegrationTests.Billing;

/// <summary>Statements: live while open, stored and immutable once closed, reproducible from the raw events, exported as FOCUS.</summary>
public sealed class StatementTests(BillingApp app) : IClassFixture<BillingApp>
{
    private static readonly DateTimeOffset LastMonth = BillingFixtures.MonthStart(DateTimeOffset.UtcNow).AddMonths(-1);

    [Fact]
    public async Task A_closed_month_is_stored_immutable_and_reproducible_to_the_cent_from_the_raw_events()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("closing", "developer");
        await app.BackdateTenantAsync("closing", LastMonth);
        using var client = app.ClientWithToken(sa.Token);
        using var op = await app.OperatorClientAsync();
        var month = BillingFixtures.Month(LastMonth);
        // 3 × 333,333 tokens at 0.000002 = 1.999998 → 2.00; 7 inferences at 0.0005 = 0.0035 → 0.00 (rounded per line).
        await client.PostUsageAsync(
        [
            BillingFixtures.Event("t1", "tokens-in", LastMonth.AddDays(2), 333_333m, new { model = "llm" }),
            BillingFixtures.Event("t2", "tokens-in", LastMonth.AddDays(9).AddMinutes(17), 333_333m, new { model = "llm" }),
            BillingFixtures.Event("t3", "tokens-in", LastMonth.AddMonths(1).AddTicks(-10), 333_333m, new { model = "llm" }),
            BillingFixtures.Event("i1", "inferences", LastMonth.AddDays(3), 7m),
        ]);

        var open = await (await client.GetAsync($"/v1/tenants/closing/statements/{month}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("open", open.GetProperty("status").GetString());
        await (await client.PostAsync($"/v1/tenants/closing/statements/{month}:close", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var closed = await (await op.PostAsync($"/v1/tenants/closing/statements/{month}:close", null)).ExpectAsync(HttpStatusCode.OK);
        await (await op.PostAsync($"/v1/tenants/closing/statements/{month}:close", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "statement-closed");
        await (await op.PostAsync($"/v1/tenants/closing/statements/{BillingFixtures.Month(DateTimeOffset.UtcNow)}:close", null))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "month-not-ended");

        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal(2.00m, closed.GetProperty("total").GetDecimal());
        var lines = closed.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["inferences", "tokens-in"], lines.Select(l => l.GetProperty("meter").GetString()));
        Assert.Equal([7m, 999_999m], lines.Select(l => l.GetProperty("quantity").GetDecimal()));
        Assert.Equal([0.00m, 2.00m], lines.Select(l => l.GetProperty("amount").GetDecimal()));

        // Late usage for the closed month is refused; the statement does not move.
        var late = await client.PostUsageAsync([BillingFixtures.Event("t4", "tokens-in", LastMonth.AddDays(20), 5_000_000m, new { model = "llm" })]);
        Assert.Equal(0, late.GetProperty("accepted").GetInt32());
        Assert.Contains("closed statement month", late.GetProperty("errors")[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        var again = await (await client.GetAsync($"/v1/tenants/closing/statements/{month}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(closed.GetRawText(), again.GetRawText());

        // Recomputing from every raw event with the prices in force gives the same lines, to the cent.
        var verification = await (await client.PostAsync($"/v1/tenants/closing/statements/{month}:verify", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.True(verification.GetProperty("matches").GetBoolean(), verification.GetRawText());
        Assert.Equal(2.00m, verification.GetProperty("recomputedTotal").GetDecimal());
        Assert.Equal(4, verification.GetProperty("rawEvents").GetInt64());

        // A price change can no longer reach into the closed month, and the list shows it closed.
        var list = await (await client.GetAsync("/v1/tenants/closing/statements")).ExpectAsync(HttpStatusCode.OK);
        var item = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("month").GetString() == month);
        Assert.Equal(("closed", 2.00m), (item.GetProperty("status").GetString(), item.GetProperty("total").GetDecimal()));
        Assert.Contains(list.GetProperty("items").EnumerateArray(),
            i => i.GetProperty("month").GetString() == BillingFixtures.Month(DateTimeOffset.UtcNow) && i.GetProperty("status").GetString() == "open");
    }

    [Fact]
    public async Task The_FOCUS_export_has_the_FOCUS_columns_and_the_statements_values()
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync("focus", "developer");
        using var client = app.ClientWithToken(sa.Token);
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        await client.PostUsageAsync([BillingFixtures.Event("f1", "tokens-in", at, 2_500_000m, new { model = "llm" })]);
        var month = BillingFixtures.Month(at);

        var response = await client.GetAsync($"/v1/tenants/focus/statements/{month}?format=focus-csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        var header = rows[0].Split(',');
        foreach (var column in new[]
        {
            "BilledCost", "EffectiveCost", "ListCost", "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart",
            "ChargePeriodEnd", "ChargeCategory", "ConsumedQuantity", "ConsumedUnit", "PricingQuantity", "PricingUnit", "ListUnitPrice",
            "ServiceName", "ServiceCategory", "ResourceId", "ResourceName", "SubAccountId", "SubAccountName", "ProviderName", "PublisherName",
            "InvoiceIssuerName", "RegionId", "Tags",
        })
        {
            Assert.Contains(column, header);
        }

        var values = SplitCsv(rows[1]);
        string Cell(string column) => values[Array.IndexOf(header, column)];
        var monthStart = BillingFixtures.MonthStart(at);
        Assert.Equal("5.00", Cell("BilledCost"));
        Assert.Equal("5.00", Cell("EffectiveCost"));
        Assert.Equal("5.00", Cell("ListCost"));
        Assert.Equal("USD", Cell("BillingCurrency"));
        Assert.Equal(monthStart.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), Cell("BillingPeriodStart"));
        Assert.Equal(monthStart.AddMonths(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), Cell("BillingPeriodEnd"));
        Assert.Equal("Usage", Cell("ChargeCategory"));
        Assert.Equal("2500000", Cell("ConsumedQuantity"));
        Assert.Equal("Tokens", Cell("ConsumedUnit"));
        Assert.Equal(BillingFixtures.TokensInLlm.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell("ListUnitPrice"));
        Assert.Equal("focus", Cell("SubAccountName"));
        Assert.Equal("AI and Machine Learning", Cell("ServiceCategory"));
        Assert.Equal("{\"model\":\"llm\"}", Cell("Tags"));
    }

    private static string[] SplitCsv(string row)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < row.Length; i++)
        {
            var c = row[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < row.Length && row[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }
}
