using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ClustersAndPlacements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "clusters",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    region = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    api_server_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    encrypted_credentials = table.Column<byte[]>(type: "bytea", nullable: false),
                    dedicated_tenant = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    reachable = table.Column<bool>(type: "boolean", nullable: false),
                    last_sync_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_sync_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clusters", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "node_pools",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    gpu_model = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    gpu_memory_gi_b = table.Column<int>(type: "integer", nullable: false),
                    gpus_per_node = table.Column<int>(type: "integer", nullable: false),
                    node_count = table.Column<int>(type: "integer", nullable: false),
                    mig_profiles = table.Column<string>(type: "jsonb", nullable: false),
                    capacity_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    purposes = table.Column<string>(type: "jsonb", nullable: false),
                    taints = table.Column<string>(type: "jsonb", nullable: false),
                    labels = table.Column<string>(type: "jsonb", nullable: false),
                    runtime_classes = table.Column<string>(type: "jsonb", nullable: false),
                    dedicated_tenant = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    price_per_gpu_hour = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    allocated_gpus = table.Column<int>(type: "integer", nullable: false),
                    allocated_mig_slices = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_node_pools", x => x.id);
                    table.CheckConstraint("ck_node_pools_allocation", "allocated_gpus >= 0");
                    table.ForeignKey(
                        name: "fk_node_pools_clusters_cluster_id",
                        column: x => x.cluster_id,
                        principalTable: "clusters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "placements",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    image = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    command = table.Column<string>(type: "jsonb", nullable: false),
                    args = table.Column<string>(type: "jsonb", nullable: false),
                    env = table.Column<string>(type: "jsonb", nullable: false),
                    min_replicas = table.Column<int>(type: "integer", nullable: false),
                    max_replicas = table.Column<int>(type: "integer", nullable: false),
                    gpu_model = table.Column<string>(type: "text", nullable: true),
                    gpus_per_replica = table.Column<int>(type: "integer", nullable: false),
                    mig_profile = table.Column<string>(type: "text", nullable: true),
                    cpu = table.Column<string>(type: "text", nullable: true),
                    memory = table.Column<string>(type: "text", nullable: true),
                    priority = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    interruptible = table.Column<bool>(type: "boolean", nullable: false),
                    regions = table.Column<string>(type: "jsonb", nullable: false),
                    phase = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cluster_name = table.Column<string>(type: "text", nullable: false),
                    node_pool_id = table.Column<Guid>(type: "uuid", nullable: false),
                    node_pool_name = table.Column<string>(type: "text", nullable: false),
                    runtime_class = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    hourly_price = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    decision = table.Column<string>(type: "jsonb", nullable: false),
                    ready_replicas = table.Column<int>(type: "integer", nullable: false),
                    message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    holds_capacity = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_placements", x => x.id);
                    table.ForeignKey(
                        name: "fk_placements_node_pools_node_pool_id",
                        column: x => x.node_pool_id,
                        principalTable: "node_pools",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_placements_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "placement_transitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    placement_id = table.Column<Guid>(type: "uuid", nullable: false),
                    phase = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_placement_transitions", x => x.id);
                    table.ForeignKey(
                        name: "fk_placement_transitions_placements_placement_id",
                        column: x => x.placement_id,
                        principalTable: "placements",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "reconcile_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    placement_id = table.Column<Guid>(type: "uuid", nullable: false),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reconcile_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_reconcile_requests_placements_placement_id",
                        column: x => x.placement_id,
                        principalTable: "placements",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_clusters_name",
                table: "clusters",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_node_pools_cluster_id_name",
                table: "node_pools",
                columns: new[] { "cluster_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_placement_transitions_placement_id_at",
                table: "placement_transitions",
                columns: new[] { "placement_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_placements_node_pool_id",
                table: "placements",
                column: "node_pool_id");

            migrationBuilder.CreateIndex(
                name: "ix_placements_phase",
                table: "placements",
                column: "phase");

            migrationBuilder.CreateIndex(
                name: "ix_placements_tenant_id_created_at",
                table: "placements",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_placements_tenant_id_name",
                table: "placements",
                columns: new[] { "tenant_id", "name" },
                unique: true,
                filter: "phase NOT IN ('Failed', 'Succeeded', 'Terminated')");

            migrationBuilder.CreateIndex(
                name: "ix_reconcile_requests_not_before",
                table: "reconcile_requests",
                column: "not_before");

            migrationBuilder.CreateIndex(
                name: "ix_reconcile_requests_placement_id",
                table: "reconcile_requests",
                column: "placement_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "placement_transitions");

            migrationBuilder.DropTable(
                name: "reconcile_requests");

            migrationBuilder.DropTable(
                name: "placements");

            migrationBuilder.DropTable(
                name: "node_pools");

            migrationBuilder.DropTable(
                name: "clusters");
        }
    }
}
