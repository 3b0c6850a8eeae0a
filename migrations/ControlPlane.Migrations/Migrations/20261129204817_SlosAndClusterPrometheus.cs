using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SlosAndClusterPrometheus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "encrypted_prometheus_token",
                table: "clusters",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "prometheus_url",
                table: "clusters",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "slos",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    placement = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    objective = table.Column<double>(type: "double precision", nullable: false),
                    window = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    indicator = table.Column<string>(type: "jsonb", nullable: false),
                    remediation = table.Column<string>(type: "jsonb", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    state_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    sli = table.Column<double>(type: "double precision", nullable: true),
                    budget_total = table.Column<double>(type: "double precision", nullable: true),
                    budget_consumed = table.Column<double>(type: "double precision", nullable: true),
                    budget_remaining = table.Column<double>(type: "double precision", nullable: true),
                    burn_rates = table.Column<string>(type: "jsonb", nullable: false),
                    firing_alerts = table.Column<string>(type: "jsonb", nullable: false),
                    active_remediations = table.Column<string>(type: "jsonb", nullable: false),
                    last_action_at = table.Column<string>(type: "jsonb", nullable: false),
                    evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    next_evaluation_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    rollouts_frozen = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slos", x => x.id);
                    table.CheckConstraint("ck_slos_objective", "objective > 0 AND objective < 100");
                    table.ForeignKey(
                        name: "fk_slos_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "slo_evaluations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    slo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sli = table.Column<double>(type: "double precision", nullable: true),
                    budget_remaining = table.Column<double>(type: "double precision", nullable: true),
                    burn_rates = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_evaluations", x => x.id);
                    table.ForeignKey(
                        name: "fk_slo_evaluations_slos_slo_id",
                        column: x => x.slo_id,
                        principalTable: "slos",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_slo_evaluations_slo_id_at",
                table: "slo_evaluations",
                columns: new[] { "slo_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_slos_next_evaluation_at",
                table: "slos",
                column: "next_evaluation_at");

            migrationBuilder.CreateIndex(
                name: "ix_slos_tenant_id_name",
                table: "slos",
                columns: new[] { "tenant_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_slos_tenant_id_placement",
                table: "slos",
                columns: new[] { "tenant_id", "placement" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "slo_evaluations");

            migrationBuilder.DropTable(
                name: "slos");

            migrationBuilder.DropColumn(
                name: "encrypted_prometheus_token",
                table: "clusters");

            migrationBuilder.DropColumn(
                name: "prometheus_url",
                table: "clusters");
        }
    }
}
