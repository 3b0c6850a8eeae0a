namespace ControlPlane.IntegrationTests.Operations;

/// <summary>Test PostgreSQL folders left by a killed test host are removed by the next run, and only those.</summary>
public sealed class StaleTestFolderTests
{
    [Fact]
    public void Folders_of_gone_test_processes_are_removed_and_those_of_live_ones_stay()
    {
        var prefix = PostgresServer.LocalCluster.FolderPrefix;
        // pid_max is at most 2^22: these owners cannot exist. Pid 1 always does.
        var gone = Path.Combine(Path.GetTempPath(), $"{prefix}4194999");
        var goneFault = Path.Combine(Path.GetTempPath(), $"{prefix}4194998-fault");
        var live = Path.Combine(Path.GetTempPath(), $"{prefix}1-kept");
        foreach (var dir in new[] { gone, goneFault, live })
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "PG_VERSION"), "15");
        }

        try
        {
            PostgresServer.LocalCluster.RemoveStaleClusters();

            Assert.False(Directory.Exists(gone));
            Assert.False(Directory.Exists(goneFault));
            Assert.True(Directory.Exists(live));
        }
        finally
        {
            Directory.Delete(live, recursive: true);
        }
    }
}
