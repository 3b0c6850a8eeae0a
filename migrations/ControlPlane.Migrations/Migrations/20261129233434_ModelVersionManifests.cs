using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ModelVersionManifests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "failure_reason",
                table: "model_versions",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(1000)",
                oldMaxLength: 1000,
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "digest_source",
                table: "model_versions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "SoleFile");

            migrationBuilder.CreateTable(
                name: "model_version_files",
                columns: table => new
                {
                    version_id = table.Column<Guid>(type: "uuid", nullable: false),
                    path = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    digest = table.Column<string>(type: "character varying(71)", maxLength: 71, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    media_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    upload_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    part_size_bytes = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_version_files", x => new { x.version_id, x.path });
                    table.CheckConstraint("ck_model_version_files_size", "size_bytes > 0");
                    table.ForeignKey(
                        name: "fk_model_version_files_model_versions_version_id",
                        column: x => x.version_id,
                        principalTable: "model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "stored_blobs",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    digest = table.Column<string>(type: "character varying(71)", maxLength: 71, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    stored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stored_blobs", x => new { x.tenant_id, x.digest });
                    table.CheckConstraint("ck_stored_blobs_size", "size_bytes > 0");
                    table.ForeignKey(
                        name: "fk_stored_blobs_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_model_version_files_tenant_id_digest",
                table: "model_version_files",
                columns: new[] { "tenant_id", "digest" });

            // Every existing version becomes a manifest of one file at path "model" whose digest stays the version's
            // (digest_source SoleFile above): identities, aliases and the placements that name a digest do not change.
            migrationBuilder.Sql("""
                INSERT INTO model_version_files (version_id, path, tenant_id, digest, size_bytes, media_type)
                SELECT id, 'model', tenant_id, digest, size_bytes, 'application/octet-stream' FROM model_versions;
                """);

            // One blob per tenant and digest among ready versions; keys were per model, so the oldest version's object serves all.
            migrationBuilder.Sql("""
                INSERT INTO stored_blobs (tenant_id, digest, size_bytes, key, stored_at)
                SELECT DISTINCT ON (tenant_id, digest) tenant_id, digest, size_bytes, artifact_key, coalesce(finalized_at, created_at)
                FROM model_versions WHERE state = 'Ready' ORDER BY tenant_id, digest, created_at;
                """);

            // storage.bytes counted every ready version; it counts each distinct digest once from now on.
            migrationBuilder.Sql("""
                UPDATE quotas q SET used = greatest(q.used - d.duplicate_bytes, 0)
                FROM (SELECT v.tenant_id, sum(v.size_bytes) - (SELECT sum(b.size_bytes) FROM stored_blobs b WHERE b.tenant_id = v.tenant_id) AS duplicate_bytes
                      FROM model_versions v WHERE v.state = 'Ready' GROUP BY v.tenant_id) d
                WHERE q.tenant_id = d.tenant_id AND q.resource = 'storage.bytes' AND d.duplicate_bytes > 0;
                """);

            migrationBuilder.DropColumn(
                name: "artifact_key",
                table: "model_versions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "model_version_files");

            migrationBuilder.DropTable(
                name: "stored_blobs");

            migrationBuilder.DropColumn(
                name: "digest_source",
                table: "model_versions");

            migrationBuilder.AlterColumn<string>(
                name: "failure_reason",
                table: "model_versions",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(2000)",
                oldMaxLength: 2000,
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "artifact_key",
                table: "model_versions",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");
        }
    }
}
