using System.Text.RegularExpressions;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Placements;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Clusters;

/// <summary>Operators register the GPU clusters; credentials are encrypted at rest and never returned.</summary>
public sealed partial class ClusterService(IControlPlaneDb db, ClusterConnections connections, IClusterGateway gateway,
    IOptions<ClusterOptions> options, AuditTrail audit, TimeProvider clock)
{
    public async Task<Versioned<ClusterResponse>> CreateAsync(CreateClusterRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(request.Name), "name", ResourceName.Rule);
        errors.AddIf(!ResourceName.IsValid(request.Region), "region", "a region " + ResourceName.Rule);
        var url = ValidateCredentials(errors, request.ApiServerUrl, request.BearerToken, request.CaCertificatePem, request.Kubeconfig);
        var noIssuer = request.ServiceAccountIssuer is { Length: 0 };
        ValidateIssuer(errors, noIssuer ? null : request.ServiceAccountIssuer);
        errors.ThrowIfAny();
        await db.EnsureTenantFieldAsync("dedicatedTenant", request.DedicatedTenant, cancellationToken);
        if (await db.Clusters.AnyAsync(c => c.Name == request.Name, cancellationToken))
        {
            throw new ConflictException("already-exists", $"A cluster named '{request.Name}' already exists.");
        }

        var issuer = noIssuer ? null : request.ServiceAccountIssuer;
        await EnsureIssuerFreeAsync(issuer, request.Name, cancellationToken);

        var cluster = Cluster.Register(request.Name, request.Region, url,
            connections.Protect(new ClusterCredentials(request.BearerToken, request.CaCertificatePem, request.Kubeconfig)),
            request.DedicatedTenant, issuer, clock.GetUtcNow());
        await PrepareAsync(cluster, discoverIssuer: request.ServiceAccountIssuer is null, cancellationToken);
        db.Clusters.Add(cluster);
        audit.Record("cluster.create", $"clusters/{cluster.Name}", null);
        await db.SaveChangesAsync(cancellationToken);
        return new(ToResponse(cluster), cluster.Version);
    }

    public async Task<Page<ClusterResponse>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        var query = db.Clusters.AsNoTracking();
        if (page.After is { } after)
        {
            query = query.Where(c => string.Compare(c.Name, after) > 0);
        }

        var rows = await query.OrderBy(c => c.Name).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, c => c.Name, ToResponse);
    }

    public async Task<Versioned<ClusterResponse>> GetAsync(string name, CancellationToken cancellationToken)
    {
        var cluster = await LoadAsync(name, cancellationToken);
        return new(ToResponse(cluster), cluster.Version);
    }

    public async Task<Versioned<ClusterResponse>> UpdateAsync(string name, UpdateClusterRequest request, string? ifMatch, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(request.Region is not null && !ResourceName.IsValid(request.Region), "region", "a region " + ResourceName.Rule);
        var newCredentials = request.BearerToken is not null || request.Kubeconfig is not null || request.ApiServerUrl is not null;
        var url = newCredentials
            ? ValidateCredentials(errors, request.ApiServerUrl, request.BearerToken, request.CaCertificatePem, request.Kubeconfig)
            : null;
        var clearIssuer = request.ServiceAccountIssuer is { Length: 0 };
        ValidateIssuer(errors, clearIssuer ? null : request.ServiceAccountIssuer);
        var prometheusUrl = ValidatePrometheusUrl(errors, request.Prometheus);
        errors.AddIf(request.Prometheus is { BearerToken: { } t } && (t.Length is 0 or > 8192 || t.Any(char.IsControl)), "prometheus.bearerToken",
            "a bearer token of 1 to 8192 characters without control characters");
        var clearGateway = request.Gateway is { Name: { Length: 0 } };
        errors.AddIf(request.Gateway is { } g && !clearGateway && !(ResourceName.IsValid(g.Name) && ResourceName.IsValid(g.Namespace)),
            "gateway", "namespace and name " + ResourceName.Rule + " (an empty name removes the gateway)");
        errors.ThrowIfAny();
        var clearDedication = request.DedicatedTenant is { Length: 0 };
        await db.EnsureTenantFieldAsync("dedicatedTenant", clearDedication ? null : request.DedicatedTenant, cancellationToken);
        await EnsureIssuerFreeAsync(clearIssuer ? null : request.ServiceAccountIssuer, name, cancellationToken);

        var cluster = await LoadAsync(name, cancellationToken, tracking: true);
        if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, cluster.Version))
        {
            throw new PreconditionFailedException("cluster", name);
        }

        var encrypted = newCredentials
            ? connections.Protect(new ClusterCredentials(request.BearerToken, request.CaCertificatePem, request.Kubeconfig))
            : null;
        cluster.Update(request.Region, url, encrypted, clearDedication ? null : request.DedicatedTenant, clearDedication,
            clearIssuer ? null : request.ServiceAccountIssuer, clearIssuer, clock.GetUtcNow());
        if (newCredentials)
        {
            // A new API server (or new credentials for it) is talked to as at registration: PriorityClasses, and, unless the
            // operator gave one, its issuer discovered again (a cluster moved to another control plane has another issuer).
            await PrepareAsync(cluster, discoverIssuer: request.ServiceAccountIssuer is null, cancellationToken);
        }

        if (request.Prometheus is { } prometheus)
        {
            cluster.UsePrometheus(prometheusUrl, prometheus.BearerToken is null ? null : connections.ProtectSecret(prometheus.BearerToken), clock.GetUtcNow());
        }

        if (request.Gateway is { } gateway)
        {
            cluster.UseGateway(clearGateway ? null : gateway.Namespace, clearGateway ? null : gateway.Name, clock.GetUtcNow());
            // Routes already in the cluster take the new parentRefs: each live serving placement's split is synced again.
            var serving = await db.Placements.Where(p => p.ClusterId == cluster.Id && p.Kind == Domain.Scheduling.PlacementKind.Inference
                    && !PlacementPhases.Finished.Contains(p.Phase) && p.Phase != PlacementPhase.Terminating)
                .Select(p => p.Id).ToListAsync(cancellationToken);
            db.ReconcileRequests.AddRange(serving.Select(id => ReconcileRequest.For(id, ReconcileAction.SyncTraffic, clock.GetUtcNow())));
        }

        audit.Record("cluster.update", $"clusters/{name}", null, new Dictionary<string, string>
        {
            ["gateway"] = request.Gateway is null ? "unchanged" : clearGateway ? "removed" : $"{request.Gateway.Namespace}/{request.Gateway.Name}",
            ["credentialsReplaced"] = newCredentials ? "true" : "false", ["prometheus"] = request.Prometheus is null ? "unchanged" : prometheusUrl ?? "removed",
        });
        await db.SaveChangesAsync(cancellationToken);
        return new(ToResponse(cluster), cluster.Version);
    }

    /// <summary>Refused while the cluster still has node pools (which are refused while they hold placements).</summary>
    public async Task DeleteAsync(string name, string? ifMatch, CancellationToken cancellationToken)
    {
        var cluster = await LoadAsync(name, cancellationToken, tracking: true);
        if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, cluster.Version))
        {
            throw new PreconditionFailedException("cluster", name);
        }

        var pools = await db.NodePools.Where(p => p.ClusterId == cluster.Id).Select(p => p.Name).ToListAsync(cancellationToken);
        if (pools.Count > 0)
        {
            throw new ConflictException("cluster-has-node-pools",
                $"Cluster '{name}' still has node pools ({string.Join(", ", pools)}); delete them first.");
        }

        db.Clusters.Remove(cluster);
        audit.Record("cluster.delete", $"clusters/{name}", null);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Registration talks to the cluster once: it applies the PriorityClasses placements need (before any placement can
    /// land there) and, unless the operator gave one, discovers the service-account issuer from the cluster's
    /// /.well-known/openid-configuration. A cluster that cannot be reached is still registered, as unreachable with the
    /// reason; the periodic sync applies the PriorityClasses once it answers, and the issuer can be set with a PATCH.
    /// A PATCH with new credentials prepares the cluster again the same way.
    /// </summary>
    private async Task PrepareAsync(Cluster cluster, bool discoverIssuer, CancellationToken cancellationToken)
    {
        var connection = connections.For(cluster);
        try
        {
            await gateway.ApplyClusterObjectsAsync(connection, ControlPlanePriorityClasses.All, cancellationToken);
            if (discoverIssuer)
            {
                var issuer = await gateway.DiscoverServiceAccountIssuerAsync(connection, cancellationToken);
                var errors = new FieldErrors();
                ValidateIssuer(errors, issuer);
                if (!errors.IsEmpty)
                {
                    throw new ClusterRejectedException($"Cluster '{cluster.Name}' announced an unusable service-account issuer '{issuer}'.");
                }

                await EnsureIssuerFreeAsync(issuer, cluster.Name, cancellationToken);
                cluster.Update(null, null, null, null, false, issuer, false, clock.GetUtcNow());
            }
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or ClusterRejectedException)
        {
            cluster.SyncFailed(ex.Message, clock.GetUtcNow());
        }
    }

    internal async Task<Cluster> LoadAsync(string name, CancellationToken cancellationToken, bool tracking = false)
    {
        var query = tracking ? db.Clusters : db.Clusters.AsNoTracking();
        return await query.FirstOrDefaultAsync(c => c.Name == name, cancellationToken)
            ?? throw new ResourceNotFoundException("cluster", name);
    }

    /// <summary>Kubernetes issuers are URLs compared verbatim (the iss claim must equal them exactly), so no normalisation.</summary>
    private static void ValidateIssuer(FieldErrors errors, string? issuer) =>
        errors.AddIf(issuer is not null && (issuer.Length > 2000 || !Uri.TryCreate(issuer, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)), "serviceAccountIssuer",
            "must be the absolute URL of the cluster's service-account token issuer (the iss claim of its tokens)");

    private async Task EnsureIssuerFreeAsync(string? issuer, string cluster, CancellationToken cancellationToken)
    {
        var owner = issuer is null ? null
            : await db.Clusters.Where(c => c.ServiceAccountIssuer == issuer && c.Name != cluster).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
        if (owner is not null)
        {
            throw new ConflictException("issuer-in-use", $"Cluster '{owner}' already has service-account issuer '{issuer}'; an issuer identifies one cluster.");
        }
    }

    /// <summary>Returns the API server URL to show (from the request, or read from the kubeconfig).</summary>
    private string? ValidateCredentials(FieldErrors errors, string? apiServerUrl, string? bearerToken, string? caPem, string? kubeconfig)
    {
        errors.AddIf(!CredentialText.IsClean(bearerToken), "bearerToken", CredentialText.Rule);
        errors.AddIf(!CredentialText.IsClean(apiServerUrl), "apiServerUrl", CredentialText.Rule);
        errors.AddIf(!CredentialText.IsCleanDocument(caPem), "caCertificatePem", CredentialText.DocumentRule);
        if (kubeconfig is not null)
        {
            errors.AddIf(apiServerUrl is not null || bearerToken is not null, "kubeconfig", "give either a kubeconfig or apiServerUrl + bearerToken, not both");
            if (!CredentialText.IsCleanDocument(kubeconfig))
            {
                errors.Add("kubeconfig", CredentialText.DocumentRule);
                return null;
            }

            // Its fields too (a token written as "a\r\nb" in YAML), and what else would fail at the first call.
            if (gateway.KubeconfigProblem(kubeconfig) is { } problem)
            {
                errors.Add("kubeconfig", "is not usable: " + problem);
            }

            var server = KubeconfigServer().Match(kubeconfig);
            errors.AddIf(!server.Success, "kubeconfig", "must name a cluster server (clusters[].cluster.server)");
            return server.Success ? ValidateUrl(errors, "kubeconfig", server.Groups[1].Value.Trim().Trim('"', '\'')) : null;
        }

        errors.AddIf(string.IsNullOrWhiteSpace(bearerToken), "bearerToken", "is required with apiServerUrl (or send a kubeconfig)");
        errors.AddIf(caPem is not null && !caPem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal), "caCertificatePem", "must be a PEM certificate bundle");
        if (apiServerUrl is null)
        {
            errors.Add("apiServerUrl", "is required (or send a kubeconfig)");
            return null;
        }

        return ValidateUrl(errors, "apiServerUrl", apiServerUrl);
    }

    private string? ValidateUrl(FieldErrors errors, string field, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(field, "the API server must be an absolute https URL");
            return null;
        }

        errors.AddIf(uri.Scheme == Uri.UriSchemeHttp && !options.Value.AllowInsecureApiServers, field,
            "the API server must use https (http is accepted only in the Development environment)");
        return uri.ToString();
    }

    /// <summary>The Prometheus base URL to store; null when none is given or an empty one removes it.</summary>
    private string? ValidatePrometheusUrl(FieldErrors errors, ClusterPrometheusRequest? prometheus)
    {
        if (prometheus?.Url is not { Length: > 0 } url)
        {
            errors.AddIf(prometheus is { Url: null }, "prometheus.url", "is required (an empty string removes the registration)");
            return null;
        }

        var valid = url.Length <= 2000 && Uri.TryCreate(url, UriKind.Absolute, out var uri) && string.IsNullOrEmpty(uri.Query)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && options.Value.AllowInsecureApiServers));
        errors.AddIf(!valid, "prometheus.url", "must be an absolute https URL without a query (http only in the Development environment)");
        return valid ? url.TrimEnd('/') : null;
    }

    internal static ClusterResponse ToResponse(Cluster c) => new(c.Id, c.Name, c.Region, c.ApiServerUrl, c.DedicatedTenant,
        c.ServiceAccountIssuer, new ClusterStatusResponse(c.Reachable, c.LastSyncAt, c.LastSyncError), c.CreatedAt, c.UpdatedAt,
        c.PrometheusUrl is null ? null : new ClusterPrometheusResponse(c.PrometheusUrl, c.EncryptedPrometheusToken is not null),
        c.GatewayName is null ? null : new ClusterGatewayReference(c.GatewayNamespace, c.GatewayName));

    [GeneratedRegex(@"^\s*server:\s*(\S+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex KubeconfigServer();
}
