using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>Builds <c>meta.k8s.io/v1 Status</c> bodies, the shape every real API error and delete result has.</summary>
internal static class StatusObjects
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        return status;
    }

    public static JsonObject Failure(ApiException error) => Failure(error.Code, error.Reason, error.Message, error.Details?.DeepClone().AsObject());

    /// <summary>A failure for a plain HTTP status, as an overloaded or failing API server would send it.</summary>
    public static JsonObject Failure(int code) => code switch
    {
        401 => Failure(code, "Unauthorized", "Unauthorized"),
        409 => Failure(code, "Conflict", "Operation cannot be fulfilled: injected conflict"),
        429 => Failure(code, "TooManyRequests", "Too many requests, please try again later."),
        500 => Failure(code, "InternalError", "Internal error occurred: injected fault"),
        503 => Failure(code, "ServiceUnavailable", "The server is currently unable to handle the request"),
        504 => Failure(code, "Timeout", "The server was unable to return a response in the time allotted"),
        _ => Failure(code, "Unknown", $"injected fault with status {code}"),
    };

    public static JsonObject Deleted(string kind, string? group, string name, string? uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = kind, ["uid"] = uid },
    };
}
