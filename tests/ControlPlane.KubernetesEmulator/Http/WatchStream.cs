using System.Globalization;
using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>
/// <c>?watch=true</c> on a collection: a chunked stream of newline-delimited
/// <c>{"type":…,"object":…}</c> events, ending at <c>timeoutSeconds</c>, client disconnect or server stop.
/// </summary>
internal sealed class WatchStream(ObjectStore store, CancellationToken serverStopping)
{
    public async Task StreamAsync(HttpContext context, ResourceRequest request)
    {
        var filter = ListFilter.FromQuery(context.Request.Query);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        if (int.TryParse(context.Request.Query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var timeoutSeconds))
        {
            stop.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        WatchSubscription subscription;
        try
        {
            subscription = store.Watch(request.Type, request.Namespace, SinceResourceVersion(context.Request.Query));
        }
        catch (ApiException expired)
        {
            // Like the real server, a watch that cannot start is still a 200 whose only event is an ERROR.
            await WriteEventAsync(context.Response, "ERROR", StatusObjects.Failure(expired), stop.Token);
            return;
        }

        using (subscription)
        {
            await context.Response.StartAsync(stop.Token);
            try
            {
                await foreach (var change in subscription.Events.ReadAllAsync(stop.Token))
                {
                    if (filter.Matches(change.Object))
                    {
                        await WriteEventAsync(context.Response, change.Type, change.Object, stop.Token);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The watch ended by timeout, disconnect or shutdown: closing the stream is the real server's answer too.
            }
        }
    }

    private static long? SinceResourceVersion(IQueryCollection query) =>
        long.TryParse(query["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonObject obj, CancellationToken cancellation)
    {
        await response.WriteAsync(JsonIo.Serialize(new JsonObject { ["type"] = type, ["object"] = obj }) + "\n", cancellation);
        await response.Body.FlushAsync(cancellation);
    }
}
