using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class WorkloadIdentityBindings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "workload_identity_bindings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    service_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    @namespace = table.Column<string>(name: "namespace", type: "character varying(63)", maxLength: 63, nullable: false),
                    kubernetes_service_account = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workload_identity_bindings", x => x.id);
                    table.ForeignKey(
                        name: "fk_workload_identity_bindings_clusters_cluster_id",
                        column: x => x.cluster_id,
                        principalTable: "clusters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_workload_identity_bindings_service_accounts_service_account",
                        column: x => x.service_account_id,
                        principalTable: "service_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_workload_identity_bindings_cluster_id_namespace_kubernetes_",
                table: "workload_identity_bindings",
                columns: new[] { "cluster_id", "namespace", "kubernetes_service_account" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_workload_identity_bindings_service_account_id_name",
                table: "workload_identity_bindings",
                columns: new[] { "service_account_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_workload_identity_bindings_tenant_id",
                table: "workload_identity_bindings",
                column: "tenant_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "workload_identity_bindings");
        }
    }
}
