namespace ControlPlane.KubernetesEmulator;

/// <summary>One request the emulator answered, for assertions such as "exactly one apply was sent".</summary>
/// <param name="Method">The HTTP method, e.g. <c>PATCH</c>.</param>
/// <param name="Path">The path without the query, e.g. <c>/apis/apps/v1/namespaces/t1/deployments/web</c>.</param>
/// <param name="QueryString">The raw query including the leading <c>?</c>, or empty.</param>
/// <param name="ContentType">The request Content-Type header, e.g. <c>application/apply-patch+yaml</c>.</param>
/// <param name="StatusCode">The status code the emulator answered with, including injected faults.</param>
/// <param name="ReceivedAt">When the request arrived (system clock), for assertions such as "not before the lease expired".</param>
public sealed record RecordedRequest(string Method, string Path, string QueryString, string? ContentType, int StatusCode, DateTimeOffset ReceivedAt);
