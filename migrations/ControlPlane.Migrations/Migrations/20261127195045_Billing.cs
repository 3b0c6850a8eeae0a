using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Billing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "budget_alerts",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    threshold = table.Column<int>(type: "integer", nullable: false),
                    spend = table.Column<decimal>(type: "numeric", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_budget_alerts", x => new { x.tenant_id, x.month, x.threshold });
                    table.ForeignKey(
                        name: "fk_budget_alerts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "budgets",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    monthly_amount = table.Column<decimal>(type: "numeric", nullable: false),
                    alert_thresholds = table.Column<string>(type: "jsonb", nullable: false),
                    hard_cap = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_budgets", x => x.tenant_id);
                    table.CheckConstraint("ck_budgets_positive", "monthly_amount > 0");
                    table.ForeignKey(
                        name: "fk_budgets_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "price_books",
                columns: table => new
                {
                    version = table.Column<int>(type: "integer", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    effective_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    prices = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_price_books", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "statements",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    total = table.Column<decimal>(type: "numeric", nullable: false),
                    lines = table.Column<string>(type: "jsonb", nullable: false),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_statements", x => new { x.tenant_id, x.month });
                    table.ForeignKey(
                        name: "fk_statements_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_price_books_effective_from",
                table: "price_books",
                column: "effective_from",
                unique: true);

            // hand-written: usage is written with binary COPY + one set-wise merge (PostgresUsageStore), not through EF Core.
            // usage_events is the append-only source of truth (unique by tenant, source, id); usage_hourly is its rollup,
            // maintained in the same transaction; metering_watermarks is how far each system meter was accrued.
            // Closed statements and the usage they were computed from are never changed or removed.
            migrationBuilder.Sql("""
                CREATE TABLE usage_events (
                    tenant_id uuid NOT NULL,
                    source text NOT NULL,
                    event_id text NOT NULL,
                    meter text NOT NULL,
                    subject text NOT NULL,
                    time timestamptz NOT NULL,
                    quantity numeric NOT NULL CHECK (quantity >= 0),
                    dimension_key text NOT NULL,
                    ingested_at timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT pk_usage_events PRIMARY KEY (tenant_id, source, event_id)
                );
                CREATE INDEX ix_usage_events_tenant_id_time ON usage_events (tenant_id, time);
                CREATE TABLE usage_hourly (
                    tenant_id uuid NOT NULL,
                    hour timestamptz NOT NULL,
                    meter text NOT NULL,
                    dimension_key text NOT NULL,
                    subject text NOT NULL,
                    quantity numeric NOT NULL,
                    events bigint NOT NULL,
                    CONSTRAINT pk_usage_hourly PRIMARY KEY (tenant_id, hour, meter, dimension_key, subject)
                );
                CREATE INDEX ix_usage_hourly_hour ON usage_hourly (hour);
                CREATE TABLE metering_watermarks (
                    meter text PRIMARY KEY,
                    up_to timestamptz
                );
                CREATE FUNCTION billing_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
                END $$;
                CREATE TRIGGER usage_events_append_only BEFORE UPDATE OR DELETE ON usage_events
                    FOR EACH STATEMENT EXECUTE FUNCTION billing_append_only();
                CREATE TRIGGER statements_append_only BEFORE UPDATE OR DELETE ON statements
                    FOR EACH STATEMENT EXECUTE FUNCTION billing_append_only();
                """);
            // end hand-written
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // hand-written: see Up.
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS usage_events;
                DROP TABLE IF EXISTS usage_hourly;
                DROP TABLE IF EXISTS metering_watermarks;
                DROP TRIGGER IF EXISTS statements_append_only ON statements;
                DROP FUNCTION IF EXISTS billing_append_only();
                """);
            // end hand-written

            migrationBuilder.DropTable(
                name: "budget_alerts");

            migrationBuilder.DropTable(
                name: "budgets");

            migrationBuilder.DropTable(
                name: "price_books");

            migrationBuilder.DropTable(
                name: "statements");
        }
    }
}
