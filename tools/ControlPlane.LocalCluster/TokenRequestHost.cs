using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.LocalCluster;

/// <summary>
/// Dev-only: mints projected service-account tokens as the kubelet would mount them into a pod, so the workload-identity
/// walkthrough can run on a machine without pods. The request and answer have the shape of the Kubernetes TokenRequest
/// API (<c>POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token</c>, what <c>kubectl create token</c> calls), on a
/// port of its own beside the emulator, with the cluster's bearer token.
/// </summary>
internal sealed class TokenRequestHost : IAsyncDisposable
{
    private const int DefaultExpirationSeconds = 3600;
    private const int MinExpirationSeconds = 600; // the real API server's floor

    private readonly WebApplication _app;

    private TokenRequestHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<TokenRequestHost> StartAsync(KubernetesApiEmulator emulator, string listenAddress, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{listenAddress}:{port}");
        var app = builder.Build();
        app.MapPost("/api/v1/namespaces/{ns}/serviceaccounts/{name}/token", (HttpContext context, string ns, string name) => MintAsync(context, emulator, ns, name));
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TokenRequestHost(app, new Uri(bound));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<IResult> MintAsync(HttpContext context, KubernetesApiEmulator emulator, string ns, string name)
    {
        if (!Authorized(context.Request, emulator.BearerToken))
        {
            return Status(401, "Unauthorized", "Unauthorized");
        }

        if (emulator.Get("v1", "namespaces", null, ns) is null)
        {
            return Status(404, "NotFound", $"namespaces \"{ns}\" not found");
        }

        JsonObject request;
        try
        {
            request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Status(400, "BadRequest", $"the body is not a TokenRequest: {ex.Message}");
        }

        var audiences = (request["spec"]?["audiences"] as JsonArray ?? []).Select(a => (string?)a).OfType<string>().ToList();
        if (audiences.Count == 0)
        {
            return Status(422, "Invalid", "spec.audiences: Required value: give the audience the token is for, e.g. controlplane");
        }

        var seconds = Math.Max(MinExpirationSeconds, (int?)request["spec"]?["expirationSeconds"] ?? DefaultExpirationSeconds);
        var token = emulator.IssueServiceAccountToken(ns, name, audiences, TimeSpan.FromSeconds(seconds));
        var response = new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["audiences"] = new JsonArray([.. audiences.Select(a => (JsonNode)a)]), ["expirationSeconds"] = seconds },
            ["status"] = new JsonObject
            {
                ["token"] = token,
                ["expirationTimestamp"] = DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            },
        };
        return Results.Text(response.ToJsonString(), "application/json", Encoding.UTF8, 201);
    }

    private static bool Authorized(HttpRequest request, string bearerToken)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..]), Encoding.UTF8.GetBytes(bearerToken));
    }

    private static IResult Status(int code, string reason, string message) => Results.Text(new JsonObject
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = code,
    }.ToJsonString(), "application/json", Encoding.UTF8, code);
}
