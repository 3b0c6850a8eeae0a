using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ControlPlane.Api.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ControlPlane.IntegrationTests.Http;

/// <summary>The hostile-input world: metering is off, so only requests can write rows while the test counts them.</summary>
public sealed class HostileInputApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { ["Metering:Enabled"] = "false" };
}

/// <summary>
/// Hostile input is a 4xx problem, never a 500, and never a write — proved for every operation of the served OpenAPI
/// document, so operations added later are covered without anyone listing them. Requests start from valid-looking
/// values against a seeded tenant, cluster, pool, model and running placement, so they reach deep validation.
/// </summary>
public sealed class HostileInputTests(HostileInputApp app) : IClassFixture<HostileInputApp>
{
    private const string Tenant = "hostile";

    private static readonly Dictionary<string, string> PathSamples = new()
    {
        ["tenant"] = Tenant,
        ["serviceAccount"] = "hostile-sa",
        ["resource"] = "gpu.h100",
        ["placement"] = "hostile-llm",
        ["cluster"] = "hostile-c1",
        ["pool"] = "hostile-pool",
        ["model"] = "hostile-model",
        ["version"] = "1",
        ["alias"] = "production",
        ["path"] = "model", // the one file of a version registered by digest and size
        ["slo"] = "hostile-slo",
        ["rollout"] = "1",
        ["binding"] = "hostile-binding",
        ["month"] = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Every_operation_answers_hostile_input_with_a_problem_never_a_5xx_and_writes_nothing()
    {
        var context = await SeedAsync();
        var document = JsonNode.Parse(await (await app.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync())!;
        var operations = OpenApiOperations.Parse(document);
        // What each operation documents it can answer: a refusal it does not declare is a defect of its metadata.
        var documented = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op =>
            (Key: (op.Key.ToUpperInvariant(), path.Key), Statuses: op.Value!["responses"]!.AsObject().Select(r => r.Key).ToHashSet())))
            .ToDictionary(op => op.Key, op => op.Statuses);
        Assert.True(operations.Count >= 50, $"only {operations.Count} operations in the document");
        var builder = new HostileRequests(PathSamples, ValueSamples(context));
        var requests = operations.SelectMany(builder.For).ToList();
        var operatorOnly = OperatorOnlyRoutes();
        using var operatorClient = await app.OperatorClientAsync();
        using var tenantAdmin = app.ClientWithToken(context.TenantAdmin.Token);
        using var anonymous = app.CreateClient();
        var failures = new ConcurrentQueue<string>();
        var accepted = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();

        // Phase 1: everything that must be refused (or, for reads, may find nothing) — and nothing may be written.
        var rowsBefore = await RowCountsAsync();
        await SendAllAsync(requests.Where(r => !r.MayBeAccepted || r.Operation.Method == "GET"));
        await SendAllAsync(TokenEndpointRequests());
        var rowsAfter = await RowCountsAsync();
        var audited = await AuditedSinceAsync(rowsBefore);
        var acceptedInPhase1 = string.Join('\n', accepted);

        // Phase 2: values a service may legitimately accept (0, a fraction): still never a 5xx, and errors are problems.
        await SendAllAsync(requests.Where(r => r.MayBeAccepted && r.Operation.Method != "GET"));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests.Count} hostile requests failed:\n" + string.Join('\n', failures.Take(80)));
        Assert.True(rowsBefore == rowsAfter, $"hostile requests wrote rows:\n{rowsAfter}\nwas\n{rowsBefore}\naudited: {audited}\naccepted:\n{acceptedInPhase1}");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"took {clock.Elapsed}");
        Console.WriteLine($"hostile input: {requests.Count} requests over {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s");

        Task SendAllAsync(IEnumerable<HostileRequest> batch) => Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (request, cancellationToken) =>
            {
                // Path mutations as the operator (a tenant principal's request naming another tenant stops at the 404 of isolation).
                var asOperator = request.Target.StartsWith("path ", StringComparison.Ordinal) || request.Operation.Path.StartsWith("/connect", StringComparison.Ordinal)
                    || !request.Operation.Path.Contains("{tenant}", StringComparison.Ordinal) || operatorOnly.Contains((request.Operation.Method, request.Operation.Path));
                using var message = new HttpRequestMessage(new HttpMethod(request.Operation.Method), request.Url);
                if (request.Body is not null)
                {
                    message.Content = new ByteArrayContent(request.Body);
                    message.Content.Headers.ContentType = new MediaTypeHeaderValue(
                        request.Operation.Path == "/connect/token" ? "application/x-www-form-urlencoded" : "application/json");
                }

                var client = request.Operation.Path == "/connect/token" ? anonymous : asOperator ? operatorClient : tenantAdmin;
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(message, cancellationToken);
                }
                catch (InvalidOperationException e) when (request.Mutation == "%00" && e.Message.Contains("null characters", StringComparison.Ordinal))
                {
                    return; // the server's request-line decoder (Kestrel's, which TestServer shares) refuses a NUL in the path: 400
                }

                using var _ = response;
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var status = (int)response.StatusCode;
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                // The token endpoint answers OAuth's JSON errors; a body it cannot even decode is a problem like anywhere else.
                var expectedError = request.Operation.Path == "/connect/token" ? ["application/json", "application/problem+json"] : new[] { "application/problem+json" };
                if (status >= 500 || (status >= 400 && !expectedError.Contains(mediaType)))
                {
                    // The service's own log of the error says where it came from.
                    var traceId = System.Text.RegularExpressions.Regex.Match(body, "\"traceId\":\"([0-9a-f]+)\"").Groups[1].Value;
                    var logged = traceId.Length == 0 ? null
                        : app.Logs.Lines.FirstOrDefault(l => l.Contains("trace=" + traceId, StringComparison.Ordinal) && l.Contains("Exception", StringComparison.Ordinal));
                    failures.Enqueue($"{request}: {status} {mediaType} {body[..Math.Min(body.Length, 200)]} {logged?[..Math.Min(logged.Length, 700)]}");
                }
                else if (request.Mutation == HostileRequests.UnknownMemberMutation && (status != 400 || !body.Contains(HostileRequests.UnknownMember, StringComparison.Ordinal)))
                {
                    // A typo'd field must not be ignored silently: it is refused, naming the member.
                    failures.Enqueue($"{request}: {status} without a field error naming the unknown member: {body[..Math.Min(body.Length, 600)]}");
                }
                else if (status >= 400 && request.Mutation != ".." // ".." addresses the parent path: another operation answers
                    && documented.TryGetValue((request.Operation.Method, request.Operation.Path), out var statuses)
                    && !statuses.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                {
                    failures.Enqueue($"{request}: {status} is not among the operation's documented responses {string.Join(",", statuses.Order())}: {body[..Math.Min(body.Length, 200)]}");
                }
                else if (status < 300 && request.Operation.Method != "GET")
                {
                    accepted.Enqueue($"{request}: {status} {body[..Math.Min(body.Length, 200)]}"); // a suspect when rows changed
                }
            });
    }

    [Fact]
    public async Task Hostile_values_are_refused_with_a_field_error_named_by_its_json_path()
    {
        using var op = await app.OperatorClientAsync();
        async Task<JsonElementAssertions> Refused(Task<HttpResponseMessage> sent) =>
            new((await (await sent).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed")).GetProperty("errors"));

        (await Refused(op.PostAsJsonAsync("/v1/tenants", new { name = "nul", displayName = "a\0b" }))).Names("displayName");
        (await Refused(op.PostAsJsonAsync("/v1/tenants", new { name = "nul", labels = new Dictionary<string, string?> { ["a"] = null } }))).Names("labels.a");
        (await Refused(op.PutAsJsonAsync("/v1/price-book", new { currency = "USD", effectiveFrom = DateTimeOffset.UtcNow, prices = new object?[] { null } }))).Names("prices[0]");
        (await Refused(op.GetAsync("/v1/costs?to=9999-12-31T23:59:59Z"))).Names("to");
        (await Refused(op.GetAsync("/v1/audit-events?actor=a%00b"))).Names("actor");
        (await Refused(op.PostAsJsonAsync("/v1/usage-events:batch", new
        {
            tenant = "nobody", events = new[] { new { id = "a\0", source = "s", type = "inferences", subject = "", time = "2026-01-01T00:00:00Z", data = new { quantity = 1 } } },
        }))).Names("events[0].id");
        await app.RegisterClusterAsync("strict-c1");
        var pool = new { name = "no-count", gpuModel = "h100", gpuMemoryGiB = 80, gpusPerNode = 8, purposes = new[] { "inference" }, pricePerGpuHour = 1m };
        (await Refused(op.PostAsJsonAsync("/v1/clusters/strict-c1/node-pools", pool))).Names("nodeCount");
        (await Refused(op.PostAsJsonAsync("/v1/clusters/strict-c1/node-pools", new
        {
            name = "dear", gpuModel = "h100", gpuMemoryGiB = 80, gpusPerNode = 8, nodeCount = 1, purposes = new[] { "inference" },
            pricePerGpuHour = 9223372036854775808m,
        }))).Names("pricePerGpuHour");

        // A typo'd field is refused, not ignored: at the top level, nested, and in a PATCH.
        (await Refused(op.PostAsJsonAsync("/v1/tenants", new { name = "typo", displayNme = "Typo" }))).Names("displayNme");
        (await Refused(op.PatchAsJsonAsync("/v1/clusters/strict-c1", new { prometheus = new { url = "http://127.0.0.1:9", bearerTokn = "x" } })))
            .Names("prometheus.bearerTokn");

        using var anonymous = app.CreateClient();
        using var token = await anonymous.PostAsync("/connect/token", new StringContent(
            "grant_type=client_credentials&client_id=%00&client_secret=x", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
    }

    private sealed record JsonElementAssertions(System.Text.Json.JsonElement Errors)
    {
        public void Names(string field) => Assert.True(Errors.TryGetProperty(field, out _), $"no error for '{field}' in {Errors}");
    }

    /// <summary>The token endpoint is not in the document (OpenIddict serves it): its form fields get the same treatment.</summary>
    private static IEnumerable<HostileRequest> TokenEndpointRequests()
    {
        var operation = new OpenApiOperation("POST", "/connect/token", [], null);
        string[] fields = ["grant_type", "client_id", "client_secret", "scope", "subject_token", "subject_token_type", "resource"];
        (string Label, string Value)[] values = [("NUL", "%00"), ("control characters", "a%01%1Bb"), ("1 MB", new string('a', 1 << 20)), ("invalid UTF-8", "%C3%28%FF")];
        foreach (var field in fields)
        {
            foreach (var (label, value) in values)
            {
                var form = $"grant_type=client_credentials&client_id={ControlPlaneApp.OperatorClientId}&client_secret=wrong"
                    .Split('&').Where(p => !p.StartsWith(field + "=", StringComparison.Ordinal)).Append(field + "=" + value);
                yield return new HostileRequest(operation, "form " + field, label, "/connect/token",
                    System.Text.Encoding.ASCII.GetBytes(string.Join('&', form)), MayBeAccepted: false);
            }
        }
    }

    private sealed record Seeded(TenantPrincipal TenantAdmin, string ApiServerUrl, string BearerToken);

    private Task<Seeded> SeedAsync() => app.ArrangeOnceAsync("hostile-world", async () =>
    {
        var emulator = await app.EmulatorAsync();
        using var op = await app.OperatorClientAsync();
        var admin = await app.CreateTenantWithAccountAsync(Tenant);
        await app.CreateAccountAsync(Tenant, "hostile-sa", "developer");
        await app.SetQuotaAsync(Tenant, "gpu.h100", 8);
        await app.SetQuotaAsync(Tenant, "placements", 8);
        await app.SetQuotaAsync(Tenant, "storage.bytes", 1_000_000);
        await app.RegisterClusterAsync("hostile-c1");
        await app.CreatePoolAsync("hostile-c1", GpuFleet.H100OnDemand("hostile-pool"));
        await app.EnsurePriceBookAsync();
        using var client = app.ClientWithToken(admin.Token);
        await (await client.PostAsJsonAsync($"/v1/tenants/{Tenant}/service-accounts/hostile-sa/workload-identity-bindings",
            new { name = "hostile-binding", cluster = "hostile-c1", @namespace = "t-" + Tenant, kubernetesServiceAccount = "ci" })).ExpectAsync(HttpStatusCode.Created);
        await (await client.PostAsJsonAsync($"/v1/tenants/{Tenant}/models", new { name = "hostile-model" })).ExpectAsync(HttpStatusCode.Created);
        await client.PublishAsync(Tenant, "hostile-model", [1, 2, 3, 4]);
        await (await client.PutAsJsonAsync($"/v1/tenants/{Tenant}/models/hostile-model/aliases/production", new { version = 1 }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await client.PostAsJsonAsync($"/v1/tenants/{Tenant}/placements", new
        {
            name = "hostile-llm", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
            model = new { name = "hostile-model", version = 1 },
        })).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync(Tenant, "hostile-llm", p => emulator.Get("apps/v1", "deployments", "t-" + Tenant, "hostile-llm") is not null);
        emulator.MarkReady(Tenant, "hostile-llm", 1);
        await client.WaitForPlacementAsync(Tenant, "hostile-llm", p => p.Phase() == "running");
        // A rollout that holds its first step (no Prometheus on this cluster: every run is inconclusive, nothing is written).
        await (await client.PostAsJsonAsync($"/v1/tenants/{Tenant}/placements/hostile-llm/rollouts", RolloutWorld.Canary("img:2", "1h", 0, 50)))
            .ExpectAsync(HttpStatusCode.Created);
        await (await op.PostAsJsonAsync("/v1/usage-events:batch", new
        {
            tenant = Tenant,
            events = new[] { new { id = "u1", source = "s", type = "inferences", subject = "hostile-llm", time = DateTimeOffset.UtcNow, data = new { quantity = 1 } } },
        })).ExpectAsync(HttpStatusCode.OK);
        await (await op.PutAsJsonAsync($"/v1/tenants/{Tenant}/budget", new { monthlyAmount = 100m, hardCap = true })).ExpectAsync(HttpStatusCode.OK);
        await (await client.PutAsJsonAsync($"/v1/tenants/{Tenant}/slos/hostile-slo", new
        {
            placement = "hostile-llm", objective = 99.5, window = "28d", indicator = new { kind = "availability", metrics = "otel-http" },
        })).ExpectAsync(HttpStatusCode.Created);
        return new Seeded(admin, emulator.BaseAddress.ToString(), emulator.BearerToken);
    });

    /// <summary>Values a user would send, by field name ("parent.field" first, then "field"; "?name" for query parameters).</summary>
    private static Dictionary<string, JsonNode?> ValueSamples(Seeded seeded) => new()
    {
        ["name"] = "hostile-new",
        ["model.name"] = "hostile-model",
        ["displayName"] = "Hostile",
        ["description"] = "A model.",
        ["task"] = "text-generation",
        ["region"] = "eu-north1",
        ["regions[]"] = "eu-north1",
        ["allowedRegions[]"] = "eu-north1",
        ["apiServerUrl"] = seeded.ApiServerUrl,
        ["bearerToken"] = seeded.BearerToken,
        ["caCertificatePem"] = null,
        ["kubeconfig"] = null,
        ["dedicatedTenant"] = null,
        ["serviceAccountIssuer"] = null,
        ["gpuModel"] = "h100",
        ["gpuMemoryGiB"] = 80,
        ["gpusPerNode"] = 8,
        ["nodeCount"] = 2,
        ["migProfiles"] = new JsonArray(new JsonObject { ["profile"] = "1g.10gb", ["perGpu"] = 7 }),
        ["migProfile"] = null,
        ["key"] = "gpu",
        ["value"] = "h100",
        ["effect"] = "NoSchedule",
        ["pricePerGpuHour"] = 2.5m,
        ["image"] = "img:1",
        ["command[]"] = "serve",
        ["args[]"] = "--port=8080",
        ["env{}"] = "1",
        ["replicas"] = new JsonObject { ["min"] = 1, ["max"] = 2 },
        ["gpusPerReplica"] = 1,
        ["cpu"] = "4",
        ["memory"] = "16Gi",
        ["model.alias"] = null,
        ["model.version"] = 1,
        ["version"] = 1,
        ["digest"] = "sha256:" + new string('b', 64),
        ["sizeBytes"] = 4,
        ["trainingDataHash"] = "sha256:" + new string('a', 64),
        ["codeRepository"] = "https://git.example/llm",
        ["codeCommit"] = "abc123",
        ["baseModelDigest"] = null,
        ["producingPlacement"] = null,
        ["hyperparameters"] = new JsonObject { ["learningRate"] = 0.0001 },
        ["limit"] = 10,
        ["role"] = "developer",
        ["currency"] = "USD",
        ["meter"] = "inferences",
        ["unitPrice"] = 0.001m,
        ["dimensions"] = new JsonObject { ["model"] = "hostile-model" },
        ["tenant"] = Tenant,
        ["id"] = "e-1",
        ["source"] = "serving/eu-1",
        ["type"] = "inferences",
        ["strategy.type"] = "canary", // "type" alone is a usage event's
        ["subject"] = "hostile-llm",
        ["time"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["quantity"] = 1,
        ["monthlyAmount"] = 100,
        ["alertThresholds[]"] = 50,
        ["placement"] = "hostile-llm",
        ["objective"] = 99.5,
        ["window"] = "28d",
        ["?groupBy"] = "day",
        ["?format"] = "json",
    };

    private HashSet<(string Method, string Path)> OperatorOnlyRoutes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<TenantAccessMetadata>() is { MinimumRole: null }
                || e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == "platform-operator"))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!.TrimEnd('/'))))
            .ToHashSet();

    private async Task<string> AuditedSinceAsync(string rowsBefore)
    {
        var before = rowsBefore.Split('\n').Single(l => l.StartsWith("audit_events=", StringComparison.Ordinal))["audit_events=".Length..];
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT action || ' ' || target || ' ' || outcome FROM audit_events ORDER BY id OFFSET {before}", connection);
        var audited = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            audited.Add(reader.GetString(0));
        }

        return string.Join("; ", audited);
    }

    /// <summary>Rows of every table (the audit log included, which every mutation appends to).</summary>
    private async Task<string> RowCountsAsync()
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            // slo_evaluations grows on the SLO evaluation worker's schedule (the seeded SLO's history), not by requests.
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'slo_evaluations' ORDER BY tablename", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new List<string>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
            counts.Add($"{table}={await count.ExecuteScalarAsync()}");
        }

        return string.Join('\n', counts);
    }
}
