using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class WorkloadIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "service_account_issuer",
                table: "clusters",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_clusters_service_account_issuer",
                table: "clusters",
                column: "service_account_issuer",
                unique: true,
                filter: "service_account_issuer IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_clusters_service_account_issuer",
                table: "clusters");

            migrationBuilder.DropColumn(
                name: "service_account_issuer",
                table: "clusters");
        }
    }
}
