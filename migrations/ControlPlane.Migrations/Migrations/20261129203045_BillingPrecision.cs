using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class BillingPrecision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "total",
                table: "statements",
                type: "numeric(28,2)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric");

            migrationBuilder.AlterColumn<decimal>(
                name: "monthly_amount",
                table: "budgets",
                type: "numeric(17,2)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric");

            migrationBuilder.AlterColumn<decimal>(
                name: "spend",
                table: "budget_alerts",
                type: "numeric(28,2)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric");

            // hand-written: the usage tables are not in the EF model (see the Billing migration).
            // Quantities get their bounded scale: an event below 10^15 with 6 decimals, an hourly sum below 10^22 (room for
            // 10^7 of the largest events), so every read is an exact .NET decimal. Stored values are rounded once here and
            // the rollup is recomputed from the rounded events, so it stays their exact sum.
            // Watermarks become per tenant (a tenant whose accrual fails no longer holds back the others): every tenant
            // starts where the meter stood.
            migrationBuilder.Sql("""
                ALTER TABLE usage_events ALTER COLUMN quantity TYPE numeric(21,6);
                ALTER TABLE usage_hourly ALTER COLUMN quantity TYPE numeric(28,6);
                UPDATE usage_hourly h SET quantity = s.quantity
                FROM (SELECT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00') AS hour, meter, dimension_key, subject,
                             sum(quantity) AS quantity
                      FROM usage_events GROUP BY 1, 2, 3, 4, 5) s
                WHERE h.tenant_id = s.tenant_id AND h.hour = s.hour AND h.meter = s.meter AND h.dimension_key = s.dimension_key
                  AND h.subject = s.subject AND h.quantity <> s.quantity;
                ALTER TABLE metering_watermarks DROP CONSTRAINT metering_watermarks_pkey;
                ALTER TABLE metering_watermarks ADD COLUMN tenant_id uuid;
                INSERT INTO metering_watermarks (meter, tenant_id, up_to)
                SELECT w.meter, t.id, w.up_to FROM metering_watermarks w CROSS JOIN tenants t WHERE w.tenant_id IS NULL;
                DELETE FROM metering_watermarks WHERE tenant_id IS NULL;
                ALTER TABLE metering_watermarks ALTER COLUMN tenant_id SET NOT NULL;
                ALTER TABLE metering_watermarks ADD CONSTRAINT pk_metering_watermarks PRIMARY KEY (meter, tenant_id);
                ALTER TABLE metering_watermarks ADD CONSTRAINT fk_metering_watermarks_tenants_tenant_id
                    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
                """);
            // end hand-written
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // hand-written: see Up. One watermark per meter again, where its furthest-behind tenant stood.
            migrationBuilder.Sql("""
                CREATE TEMP TABLE metering_watermarks_down ON COMMIT DROP AS
                    SELECT meter, min(up_to) AS up_to FROM metering_watermarks GROUP BY meter;
                DROP TABLE metering_watermarks;
                CREATE TABLE metering_watermarks (meter text PRIMARY KEY, up_to timestamptz);
                INSERT INTO metering_watermarks SELECT meter, up_to FROM metering_watermarks_down;
                ALTER TABLE usage_hourly ALTER COLUMN quantity TYPE numeric;
                ALTER TABLE usage_events ALTER COLUMN quantity TYPE numeric;
                """);
            // end hand-written

            migrationBuilder.AlterColumn<decimal>(
                name: "total",
                table: "statements",
                type: "numeric",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,2)");

            migrationBuilder.AlterColumn<decimal>(
                name: "monthly_amount",
                table: "budgets",
                type: "numeric",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(17,2)");

            migrationBuilder.AlterColumn<decimal>(
                name: "spend",
                table: "budget_alerts",
                type: "numeric",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,2)");
        }
    }
}
