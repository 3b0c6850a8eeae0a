using ControlPlane.Infrastructure;
using Npgsql;

namespace ControlPlane.IntegrationTests.Operations;

/// <summary>
/// The pool settings the service adds to its connection string (server-side prepared hot queries, no reset statements
/// on every checkout) — and that an operator's own setting wins, e.g. Max Auto Prepare=0 behind a transaction-pooling
/// PgBouncer. The first version of this rule asked NpgsqlConnectionStringBuilder.ContainsKey, which answers whether a
/// keyword exists at all, and so never added anything.
/// </summary>
public sealed class ConnectionPoolSettingsTests
{
    [Fact]
    public void A_plain_connection_string_gets_auto_prepare_and_no_reset_on_close()
    {
        var settings = new NpgsqlConnectionStringBuilder(DependencyInjection.WithPoolDefaults("Host=db;Database=controlplane"));

        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.Equal(2, settings.AutoPrepareMinUsages);
        Assert.True(settings.NoResetOnClose);
        Assert.Equal("db", settings.Host);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0, true)]
    [InlineData("Host=db;maxautoprepare=0", 0, true)]
    [InlineData("Host=db;No Reset On Close=false", 64, false)]
    [InlineData("Host=db;Max Auto Prepare=8;NoResetOnClose=false", 8, false)]
    public void What_the_connection_string_sets_is_kept(string connectionString, int maxAutoPrepare, bool noResetOnClose)
    {
        var settings = new NpgsqlConnectionStringBuilder(DependencyInjection.WithPoolDefaults(connectionString));

        Assert.Equal(maxAutoPrepare, settings.MaxAutoPrepare);
        Assert.Equal(noResetOnClose, settings.NoResetOnClose);
    }
}
