using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class KubernetesRealism : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "runtime_class",
                table: "placements",
                type: "character varying(253)",
                maxLength: 253,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(16)",
                oldMaxLength: 16,
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "autoscaling",
                table: "placements",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "missing_runtime_classes",
                table: "node_pools",
                type: "jsonb",
                nullable: false,
                defaultValue: "[]");

            // Runtime classes are the cluster's own names now, not enum members: "Kata" was the enum's spelling of "kata".
            migrationBuilder.Sql("UPDATE placements SET runtime_class = lower(runtime_class) WHERE runtime_class IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "autoscaling",
                table: "placements");

            migrationBuilder.DropColumn(
                name: "missing_runtime_classes",
                table: "node_pools");

            migrationBuilder.AlterColumn<string>(
                name: "runtime_class",
                table: "placements",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(253)",
                oldMaxLength: 253,
                oldNullable: true);
        }
    }
}
