using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <summary>
    /// usage_events' primary key as (tenant_id, event_id, source) instead of (tenant_id, source, event_id): the same
    /// uniqueness, but a key comparison is decided by the event id at once, where it first compared the source that every
    /// event of a batch shares (and then found the id behind a variable-length column). Each ingested event descends this
    /// index twice (ON CONFLICT's check, then the insert): about 1.5–2 ms of PostgreSQL CPU less per 1,000-event batch
    /// (measured A/B with psql on 0.5–1.7 M rows). Nothing reads usage by (tenant, source); tenant ranges keep working.
    /// </summary>
    public partial class UsageIngestionIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE usage_events DROP CONSTRAINT pk_usage_events,
                    ADD CONSTRAINT pk_usage_events PRIMARY KEY (tenant_id, event_id, source);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE usage_events DROP CONSTRAINT pk_usage_events,
                    ADD CONSTRAINT pk_usage_events PRIMARY KEY (tenant_id, source, event_id);
                """);
        }
    }
}
