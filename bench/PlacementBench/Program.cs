// Placement benchmarks: one scheduling decision over 10,000 pools (in process), admission throughput and latency
// against the running service (one hot tenant, then 100 tenants), and reconcile latency (commit → object applied in
// the Kubernetes API emulator, which runs in this process); then the model registry's finalize of a 1 GiB artifact
// next to sha256sum, and pull-credential issuance. Prints Markdown sections.
//
//   dotnet PlacementBench.dll --api http://127.0.0.1:58080 --operator-id operator --operator-secret S [--seconds 15]
//   dotnet PlacementBench.dll --scheduler-only
using PlacementBench;

var options = BenchOptions.Parse(args);
Console.WriteLine("## Placements");
Console.WriteLine();
SchedulerBench.Run();
if (options.SchedulerOnly)
{
    return 0;
}

await using var emulator = await ControlPlane.KubernetesEmulator.KubernetesApiEmulator.StartAsync();
var api = await ApiSession.StartAsync(options);
await api.RegisterFleetAsync(emulator);
var cpu = new ProcessCpu(options.ServicePid, options.PostgresPid);
var warmup = options.WarmupSeconds > 0 ? await AdmissionWarmup.RunAsync(api, cpu, options.WarmupSeconds) : "No warm-up.";
var hot = await AdmissionBench.RunAsync(api, cpu, "one hot tenant", tenants: 1, options.Seconds);
var spread = await AdmissionBench.RunAsync(api, cpu, "100 tenants", tenants: 100, options.Seconds);
BenchRow[] rows = options.AdmissionsOnly
    ? [hot, spread]
    : [hot, spread, await ReconcileBench.RunAsync(api, emulator, ratePerSecond: 100, seconds: options.Seconds)];
Console.WriteLine(BenchRow.Header);
foreach (var row in rows)
{
    Console.WriteLine(row.ToMarkdown());
}

Console.WriteLine();
Console.WriteLine("Targets (2 cores): admissions ≥ 500/s on one hot tenant and ≥ 1,000/s over 100 tenants with p99 ≤ 50 ms and zero overcommit; "
    + "commit → applied p99 ≤ 1 s at 100 placements/s.");
Console.WriteLine(warmup);
Console.WriteLine("CPU per request: CPU time of the service process and of the benchmark's PostgreSQL (postmaster and backends), from "
    + "/proc, divided by the requests answered (201 and 409) in the run.");
Console.WriteLine();
if (!options.AdmissionsOnly)
{
    await ModelRegistryBench.RunAsync(api, options.Seconds);
}

return rows.All(r => r.Errors == 0 && r.CheckPassed) ? 0 : 3;
