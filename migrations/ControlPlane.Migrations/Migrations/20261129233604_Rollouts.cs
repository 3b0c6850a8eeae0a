using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Rollouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "gateway_name",
                table: "clusters",
                type: "character varying(63)",
                maxLength: 63,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "gateway_namespace",
                table: "clusters",
                type: "character varying(63)",
                maxLength: 63,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "rollouts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    placement_id = table.Column<Guid>(type: "uuid", nullable: false),
                    placement = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    strategy = table.Column<string>(type: "jsonb", nullable: false),
                    analysis = table.Column<string>(type: "jsonb", nullable: false),
                    target = table.Column<string>(type: "jsonb", nullable: false),
                    previous = table.Column<string>(type: "jsonb", nullable: false),
                    phase = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    step = table.Column<int>(type: "integer", nullable: false),
                    weight = table.Column<int>(type: "integer", nullable: false),
                    step_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_analysis_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    failed_runs = table.Column<int>(type: "integer", nullable: false),
                    canary_replicas = table.Column<int>(type: "integer", nullable: false),
                    canary_units = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    runs = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rollouts", x => x.id);
                    table.ForeignKey(
                        name: "fk_rollouts_placements_placement_id",
                        column: x => x.placement_id,
                        principalTable: "placements",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_rollouts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_rollouts_next_analysis_at",
                table: "rollouts",
                column: "next_analysis_at",
                filter: "phase = 'Progressing'");

            migrationBuilder.CreateIndex(
                name: "ix_rollouts_one_active_per_placement",
                table: "rollouts",
                column: "placement_id",
                unique: true,
                filter: "phase IN ('Progressing', 'Paused')");

            migrationBuilder.CreateIndex(
                name: "ix_rollouts_tenant_id_placement_number",
                table: "rollouts",
                columns: new[] { "tenant_id", "placement", "number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rollouts");

            migrationBuilder.DropColumn(
                name: "gateway_name",
                table: "clusters");

            migrationBuilder.DropColumn(
                name: "gateway_namespace",
                table: "clusters");
        }
    }
}
