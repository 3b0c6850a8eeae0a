using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Authentication;
using ControlPlane.KubernetesEmulator.Resources;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>POST authentication.k8s.io/v1 tokenreviews: echoes the review back with its status filled in, never stored.</summary>
internal sealed class TokenReviewEndpoint(ServiceAccountTokens tokens)
{
    public async Task CreateAsync(HttpContext context)
    {
        var review = await JsonIo.ReadObjectAsync(context.Request);
        ObjectValidation.CheckTypeMeta(ResourceCatalog.TokenReviews, review, required: false);
        ResourceCatalog.TokenReviews.Schema.CheckShape(ResourceCatalog.TokenReviews, review);
        var spec = review["spec"] as JsonObject ?? [];
        var audiences = (spec["audiences"] as JsonArray ?? []).Select(a => (string?)a).OfType<string>().ToList();

        review["apiVersion"] = ResourceCatalog.TokenReviews.ApiVersion;
        review["kind"] = ResourceCatalog.TokenReviews.Kind;
        review["metadata"] ??= new JsonObject();
        review["status"] = tokens.Review((string?)spec["token"], audiences);
        await JsonIo.WriteAsync(context.Response, 201, review);
    }
}
