using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Http;

/// <summary>A problem status an operation can answer with. The OpenAPI document lists exactly these per operation.</summary>
public sealed record RefusalMetadata(int StatusCode);

/// <summary>
/// How an operation declares what it can refuse. The refusals every /v1 operation shares follow from facts about the
/// endpoint (<see cref="DeclareCommonRefusals"/>); what only some operations do — a state conflict (409) or a request that
/// can never succeed as asked (422) — each declares with <see cref="Refuses{TBuilder}"/> next to its route.
/// </summary>
internal static class Refusals
{
    /// <summary>This operation can answer with these problem statuses (beyond the common ones).</summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, params int[] statusCodes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata([.. statusCodes.Select(status => (object)new RefusalMetadata(status))]);

    /// <summary>
    /// Adds, after each endpoint's own conventions, the refusals that follow from what the endpoint is: 400 (every input
    /// passes <see cref="InputShape"/> and its validator), 401 and 403 (unless anonymous), 404 (a route with parameters names
    /// something that may not exist or not be visible), 409 and 422 (an Idempotency-Key in flight or reused), 412 (an
    /// If-Match header), 429 (the rate limiter) and 503 (the database may be unavailable).
    /// </summary>
    public static RouteGroupBuilder DeclareCommonRefusals(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            var metadata = endpoint.Metadata;
            var declared = new SortedSet<int> { 400, 429, 503 };
            if (!metadata.OfType<IAllowAnonymous>().Any())
            {
                declared.UnionWith([401, 403]);
            }

            if (endpoint is RouteEndpointBuilder { RoutePattern.Parameters.Count: > 0 })
            {
                declared.Add(404);
            }

            if (metadata.OfType<IdempotentMetadata>().Any())
            {
                declared.UnionWith([409, 422]);
            }

            if (metadata.OfType<MethodInfo>().Any(method => method.GetParameters().Any(IsIfMatch)))
            {
                declared.Add(412);
            }

            declared.ExceptWith(metadata.OfType<RefusalMetadata>().Select(refusal => refusal.StatusCode));
            foreach (var status in declared)
            {
                metadata.Add(new RefusalMetadata(status));
            }
        });
        return group;
    }

    private static bool IsIfMatch(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<FromHeaderAttribute>()?.Name == "If-Match";
}
