using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class IdentityHardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "token_revocation_epochs");

            migrationBuilder.AddColumn<byte[]>(
                name: "protected_response_body",
                table: "idempotency_records",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "operator_owned",
                table: "budgets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "token_revocations",
                columns: table => new
                {
                    principal = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    epoch = table.Column<long>(type: "bigint", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_token_revocations", x => x.principal);
                });

            migrationBuilder.CreateIndex(
                name: "ix_token_revocations_revoked_at",
                table: "token_revocations",
                column: "revoked_at");

            // Stored responses written before encryption hold client secrets in clear: drop them. A retry with such a
            // key then runs again and is answered 409 already-exists, without the secret.
            migrationBuilder.Sql("DELETE FROM idempotency_records WHERE response_body LIKE '%\"clientSecret\"%';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "token_revocations");

            migrationBuilder.DropColumn(
                name: "protected_response_body",
                table: "idempotency_records");

            migrationBuilder.DropColumn(
                name: "operator_owned",
                table: "budgets");

            migrationBuilder.DropSequence(
                name: "token_revocation_epochs");
        }
    }
}
