using System.Diagnostics;
using System.Net.Sockets;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Testcontainers.PostgreSql;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>
/// One PostgreSQL server per test run, migrated once into a template database; each test class gets its own copy
/// (CREATE DATABASE … TEMPLATE takes tens of milliseconds). The server is CONTROLPLANE_TEST_POSTGRES when set,
/// else a Testcontainers container when a Docker engine answers, else a throwaway cluster from the machine's binaries.
/// When none can be had, tests fail with the reason: they never skip.
/// </summary>
public static class PostgresServer
{
    private const string TemplateDatabase = "controlplane_template";
    private static readonly Lazy<Task<string>> s_adminConnectionString = new(StartAsync);
    private static int s_databaseCounter;

    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var admin = await s_adminConnectionString.Value;
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref s_databaseCounter)}_{purpose.ToLowerInvariant()}";
        name = name.Length > 60 ? name[..60] : name;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE {TemplateDatabase}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>A plain-SQL pg_dump of the database (what a backup of it would hold), with the binaries next to initdb.</summary>
    public static async Task<string> DumpAsync(string connectionString)
    {
        var bin = FindPostgresBinaries() ?? throw new InvalidOperationException("No pg_dump: install the server binaries (apt-get install -y postgresql).");
        // initdb on PATH may be a link to the version's bin folder, which is where pg_dump lives.
        bin = Path.GetDirectoryName(new FileInfo(Path.Combine(bin, "initdb")).ResolveLinkTarget(returnFinalTarget: true)?.FullName) ?? bin;
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Path.Combine(bin, "pg_dump"),
            ["--host", target.Host!, "--port", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--username", target.Username!, "--no-password", target.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (target.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start)!;
        var dump = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await dump : throw new InvalidOperationException($"pg_dump failed ({process.ExitCode}): {error}");
    }

    private static async Task<string> StartAsync()
    {
        var admin = Environment.GetEnvironmentVariable("CONTROLPLANE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : await TryTestcontainersAsync() ?? StartLocalCluster();
        await CreateTemplateAsync(admin);
        return admin;
    }

    private static async Task CreateTemplateAsync(string admin)
    {
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {TemplateDatabase} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateDatabase}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var template = new NpgsqlConnectionStringBuilder(admin) { Database = TemplateDatabase, Pooling = false }.ConnectionString;
        var options = new DbContextOptionsBuilder<ControlPlaneDbContext>()
            .UseNpgsql(template, npgsql => npgsql.MigrationsAssembly(DatabaseOptions.MigrationsAssembly))
            .UseSnakeCaseNamingConvention()
            .UseOpenIddict()
            .Options;
        await using var db = new ControlPlaneDbContext(options);
        await db.Database.MigrateAsync();
    }

    private static async Task<string?> TryTestcontainersAsync()
    {
        var dockerReachable = File.Exists("/var/run/docker.sock") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"));
        if (!dockerReachable)
        {
            return null;
        }

        try
        {
            var container = new PostgreSqlBuilder("postgres:16").Build();
            await container.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return container.GetConnectionString();
        }
        catch (Exception ex)
        {
            // A Docker client without a working engine: fall back to the machine's binaries, saying why.
            Console.Error.WriteLine($"Testcontainers unavailable ({ex.GetType().Name}: {ex.Message}); using local PostgreSQL binaries.");
            return null;
        }
    }

    private static string StartLocalCluster()
    {
        var cluster = LocalCluster.Start($"{LocalCluster.FolderPrefix}{Environment.ProcessId}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster.AdminConnectionString;
    }

    /// <summary>
    /// A PostgreSQL server of the caller's own, from the machine's binaries, with one database cloned from a migrated
    /// template: for fault tests that stop and start the server (the shared one serves other classes concurrently).
    /// </summary>
    public static async Task<LocalCluster> StartPrivateAsync(string purpose)
    {
        var cluster = LocalCluster.Start($"{LocalCluster.FolderPrefix}{Environment.ProcessId}-{purpose.ToLowerInvariant()}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        await CreateTemplateAsync(cluster.AdminConnectionString);
        await using var connection = new NpgsqlConnection(cluster.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE controlplane TEMPLATE {TemplateDatabase}", connection);
        await command.ExecuteNonQueryAsync();
        cluster.ConnectionString = new NpgsqlConnectionStringBuilder(cluster.AdminConnectionString) { Database = "controlplane" }.ConnectionString;
        return cluster;
    }

    /// <summary>A throwaway cluster (initdb + pg_ctl) in a temp directory, as the postgres user when run as root.</summary>
    public sealed class LocalCluster : IDisposable
    {
        internal const string FolderPrefix = "controlplane-test-pg-";
        private readonly string _bin;
        private readonly string _dataDir;
        private readonly string? _asUser;
        private readonly int _port;
        private bool _disposed;

        private LocalCluster(string bin, string dataDir, string? asUser, int port)
        {
            _bin = bin;
            _dataDir = dataDir;
            _asUser = asUser;
            _port = port;
        }

        public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=controlplane;Database=postgres;Maximum Pool Size=50";

        /// <summary>The database cloned from the template (private servers only).</summary>
        public string ConnectionString { get; internal set; } = "";

        internal static LocalCluster Start(string directoryName)
        {
            var bin = FindPostgresBinaries() ?? throw new InvalidOperationException(
                "No PostgreSQL for the integration tests: set CONTROLPLANE_TEST_POSTGRES to a connection string, start a Docker engine, " +
                "or install the server binaries (apt-get install -y postgresql).");
            RemoveStaleClusters();
            var dataDir = Path.Combine(Path.GetTempPath(), directoryName);
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }

            Directory.CreateDirectory(dataDir);
            var asUser = Environment.UserName == "root" ? "postgres" : null;
            if (asUser is not null)
            {
                // initdb refuses to run as root: the cluster belongs to the postgres user.
                Run("chown", $"postgres:postgres {dataDir}", null);
            }

            Run(Path.Combine(bin, "initdb"), $"-D {dataDir} -A trust -U controlplane --encoding=UTF8 --no-sync", asUser);
            var cluster = new LocalCluster(bin, dataDir, asUser, FreePort());
            cluster.StartServer();
            cluster.WatchOwner();
            return cluster;
        }

        /// <summary>
        /// The folders of clusters whose test process is gone (killed before its exit handlers and watchdog could run, or
        /// a reboot) are removed — only those: a folder of a live test process, or whose server still runs, stays.
        /// </summary>
        internal static void RemoveStaleClusters()
        {
            foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
            {
                var owner = Path.GetFileName(dir)[FolderPrefix.Length..].Split('-')[0];
                if (!int.TryParse(owner, out var ownerPid) || ownerPid == Environment.ProcessId || Alive(ownerPid)
                    || (File.Exists(Path.Combine(dir, "postmaster.pid"))
                        && int.TryParse(File.ReadLines(Path.Combine(dir, "postmaster.pid")).FirstOrDefault(), out var postmaster) && Alive(postmaster)))
                {
                    continue;
                }

                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another run cleaning the same folder at once, or not ours to delete: it stays.
                }
            }

            static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");
        }

        /// <summary>
        /// A watchdog shell stops the server and removes its folder once this test process is gone, however it ends (the
        /// test host is often killed without running exit handlers), as the test Prometheus and s3rver have.
        /// </summary>
        private void WatchOwner()
        {
            var stop = $"{Path.Combine(_bin, "pg_ctl")} -D {_dataDir} -m immediate stop";
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
            {
                "-c", """
                      while kill -0 "$1" 2>/dev/null; do sleep 2; done
                      if [ -d "$2" ]; then eval "$3" >/dev/null 2>&1; rm -rf "$2"; fi
                      """,
                "postgres-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), _dataDir,
                _asUser is null ? stop : $"runuser -u {_asUser} -- {stop}",
            })
            {
                start.ArgumentList.Add(arg);
            }

            Process.Start(start)?.Dispose();
        }

        /// <summary>Starts the server (again) on the same port and data, waiting until it accepts connections.</summary>
        public void StartServer() => Run(Path.Combine(_bin, "pg_ctl"),
            $"-D {_dataDir} -o \"-p {_port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000\" -l {_dataDir}/log -w start",
            _asUser);

        /// <summary>Stops the server the way an operator's restart does: sessions are ended (57P01), new connections refused.</summary>
        public void StopServer() => Run(Path.Combine(_bin, "pg_ctl"), $"-D {_dataDir} -m fast -w stop", _asUser);

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Run(Path.Combine(_bin, "pg_ctl"), $"-D {_dataDir} -m immediate stop", _asUser, throwOnError: false);
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static string? FindPostgresBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (onPath is not null)
        {
            return onPath;
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(dir => File.Exists(Path.Combine(dir, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, string arguments, string? asUser, bool throwOnError = true)
    {
        var start = asUser is null
            ? new ProcessStartInfo(file, arguments)
            : new ProcessStartInfo("runuser", $"-u {asUser} -- {file} {arguments}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {error}{output.Result}");
        }
    }
}
