CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    migration_id character varying(150) NOT NULL,
    product_version character varying(32) NOT NULL,
    CONSTRAINT pk___ef_migrations_history PRIMARY KEY (migration_id)
);

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        time timestamp with time zone NOT NULL,
        actor character varying(200) NOT NULL,
        tenant character varying(63),
        action character varying(100) NOT NULL,
        target character varying(500) NOT NULL,
        outcome character varying(32) NOT NULL,
        request_id character varying(100),
        details jsonb NOT NULL,
        CONSTRAINT pk_audit_events PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
    END $$;
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE idempotency_records (
        scope character varying(200) NOT NULL,
        key character varying(255) NOT NULL,
        request_hash bytea NOT NULL,
        claimed_at timestamp with time zone NOT NULL,
        completed_at timestamp with time zone,
        status_code integer,
        response_body text,
        content_type text,
        location text,
        e_tag text,
        CONSTRAINT pk_idempotency_records PRIMARY KEY (scope, key)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE oidc_applications (
        id text NOT NULL,
        application_type character varying(50),
        client_id character varying(100),
        client_secret text,
        client_type character varying(50),
        concurrency_token character varying(50),
        consent_type character varying(50),
        display_name text,
        display_names text,
        json_web_key_set text,
        permissions text,
        post_logout_redirect_uris text,
        properties text,
        redirect_uris text,
        requirements text,
        settings text,
        CONSTRAINT pk_oidc_applications PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE oidc_scopes (
        id text NOT NULL,
        concurrency_token character varying(50),
        description text,
        descriptions text,
        display_name text,
        display_names text,
        name character varying(200),
        properties text,
        resources text,
        CONSTRAINT pk_oidc_scopes PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE signing_keys (
        key_id character varying(64) NOT NULL,
        algorithm character varying(16) NOT NULL,
        private_key_pem text NOT NULL,
        created_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_signing_keys PRIMARY KEY (key_id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE tenants (
        id uuid NOT NULL,
        name character varying(63) NOT NULL,
        display_name character varying(200) NOT NULL,
        isolation_tier character varying(16) NOT NULL,
        allowed_regions text[] NOT NULL,
        labels jsonb NOT NULL,
        state character varying(16) NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_tenants PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE oidc_authorizations (
        id text NOT NULL,
        application_id text,
        concurrency_token character varying(50),
        creation_date timestamp with time zone,
        properties text,
        scopes text,
        status character varying(50),
        subject character varying(400),
        type character varying(50),
        CONSTRAINT pk_oidc_authorizations PRIMARY KEY (id),
        CONSTRAINT fk_oidc_authorizations_oidc_applications_application_id FOREIGN KEY (application_id) REFERENCES oidc_applications (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE quotas (
        tenant_id uuid NOT NULL,
        resource character varying(64) NOT NULL,
        "limit" bigint NOT NULL,
        used bigint NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_quotas PRIMARY KEY (tenant_id, resource),
        CONSTRAINT ck_quotas_non_negative CHECK ("limit" >= 0 AND used >= 0),
        CONSTRAINT fk_quotas_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE service_accounts (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        name character varying(63) NOT NULL,
        description character varying(500) NOT NULL,
        role character varying(16) NOT NULL,
        client_id character varying(200) NOT NULL,
        secret_rotated_at timestamp with time zone NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_service_accounts PRIMARY KEY (id),
        CONSTRAINT fk_service_accounts_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE TABLE oidc_tokens (
        id text NOT NULL,
        application_id text,
        authorization_id text,
        concurrency_token character varying(50),
        creation_date timestamp with time zone,
        expiration_date timestamp with time zone,
        payload text,
        properties text,
        redemption_date timestamp with time zone,
        reference_id character varying(100),
        status character varying(50),
        subject character varying(400),
        type character varying(150),
        CONSTRAINT pk_oidc_tokens PRIMARY KEY (id),
        CONSTRAINT fk_oidc_tokens_oidc_applications_application_id FOREIGN KEY (application_id) REFERENCES oidc_applications (id),
        CONSTRAINT fk_oidc_tokens_oidc_authorizations_authorization_id FOREIGN KEY (authorization_id) REFERENCES oidc_authorizations (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE INDEX ix_audit_events_tenant_id ON audit_events (tenant, id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE INDEX ix_audit_events_time ON audit_events (time);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE INDEX ix_idempotency_records_claimed_at ON idempotency_records (claimed_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE UNIQUE INDEX ix_oidc_applications_client_id ON oidc_applications (client_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE INDEX ix_oidc_authorizations_application_id_status_subject_type ON oidc_authorizations (application_id, status, subject, type);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE UNIQUE INDEX ix_oidc_scopes_name ON oidc_scopes (name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE INDEX ix_oidc_tokens_application_id_status_subject_type ON oidc_tokens (application_id, status, subject, type);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE INDEX ix_oidc_tokens_authorization_id ON oidc_tokens (authorization_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE UNIQUE INDEX ix_oidc_tokens_reference_id ON oidc_tokens (reference_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE UNIQUE INDEX ix_service_accounts_client_id ON service_accounts (client_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE UNIQUE INDEX ix_service_accounts_tenant_id_name ON service_accounts (tenant_id, name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    CREATE UNIQUE INDEX ix_tenants_name ON tenants (name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127173001_Initial') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261127173001_Initial', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE TABLE clusters (
        id uuid NOT NULL,
        name character varying(63) NOT NULL,
        region character varying(63) NOT NULL,
        api_server_url character varying(2000),
        encrypted_credentials bytea NOT NULL,
        dedicated_tenant character varying(63),
        reachable boolean NOT NULL,
        last_sync_at timestamp with time zone,
        last_sync_error character varying(2000),
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_clusters PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE TABLE node_pools (
        id uuid NOT NULL,
        cluster_id uuid NOT NULL,
        name character varying(63) NOT NULL,
        gpu_model character varying(32) NOT NULL,
        gpu_memory_gi_b integer NOT NULL,
        gpus_per_node integer NOT NULL,
        node_count integer NOT NULL,
        mig_profiles jsonb NOT NULL,
        capacity_type character varying(16) NOT NULL,
        purposes jsonb NOT NULL,
        taints jsonb NOT NULL,
        labels jsonb NOT NULL,
        runtime_classes jsonb NOT NULL,
        dedicated_tenant character varying(63),
        price_per_gpu_hour numeric(18,6) NOT NULL,
        allocated_gpus integer NOT NULL,
        allocated_mig_slices jsonb NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_node_pools PRIMARY KEY (id),
        CONSTRAINT ck_node_pools_allocation CHECK (allocated_gpus >= 0),
        CONSTRAINT fk_node_pools_clusters_cluster_id FOREIGN KEY (cluster_id) REFERENCES clusters (id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE TABLE placements (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        tenant character varying(63) NOT NULL,
        name character varying(63) NOT NULL,
        kind character varying(16) NOT NULL,
        image character varying(1000) NOT NULL,
        command jsonb NOT NULL,
        args jsonb NOT NULL,
        env jsonb NOT NULL,
        min_replicas integer NOT NULL,
        max_replicas integer NOT NULL,
        gpu_model text,
        gpus_per_replica integer NOT NULL,
        mig_profile text,
        cpu text,
        memory text,
        priority character varying(16) NOT NULL,
        interruptible boolean NOT NULL,
        regions jsonb NOT NULL,
        phase character varying(16) NOT NULL,
        cluster_id uuid NOT NULL,
        cluster_name text NOT NULL,
        node_pool_id uuid NOT NULL,
        node_pool_name text NOT NULL,
        runtime_class character varying(16),
        hourly_price numeric(18,6) NOT NULL,
        decision jsonb NOT NULL,
        ready_replicas integer NOT NULL,
        message character varying(2000),
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        holds_capacity boolean NOT NULL,
        CONSTRAINT pk_placements PRIMARY KEY (id),
        CONSTRAINT fk_placements_node_pools_node_pool_id FOREIGN KEY (node_pool_id) REFERENCES node_pools (id) ON DELETE RESTRICT,
        CONSTRAINT fk_placements_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE TABLE placement_transitions (
        id bigint GENERATED ALWAYS AS IDENTITY,
        placement_id uuid NOT NULL,
        phase character varying(16) NOT NULL,
        at timestamp with time zone NOT NULL,
        message character varying(2000),
        CONSTRAINT pk_placement_transitions PRIMARY KEY (id),
        CONSTRAINT fk_placement_transitions_placements_placement_id FOREIGN KEY (placement_id) REFERENCES placements (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE TABLE reconcile_requests (
        id bigint GENERATED ALWAYS AS IDENTITY,
        placement_id uuid NOT NULL,
        action character varying(16) NOT NULL,
        attempts integer NOT NULL,
        not_before timestamp with time zone NOT NULL,
        lease_owner character varying(200),
        lease_expires_at timestamp with time zone,
        last_error character varying(2000),
        created_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_reconcile_requests PRIMARY KEY (id),
        CONSTRAINT fk_reconcile_requests_placements_placement_id FOREIGN KEY (placement_id) REFERENCES placements (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE UNIQUE INDEX ix_clusters_name ON clusters (name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE UNIQUE INDEX ix_node_pools_cluster_id_name ON node_pools (cluster_id, name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE INDEX ix_placement_transitions_placement_id_at ON placement_transitions (placement_id, at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE INDEX ix_placements_node_pool_id ON placements (node_pool_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE INDEX ix_placements_phase ON placements (phase);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE INDEX ix_placements_tenant_id_created_at ON placements (tenant_id, created_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE UNIQUE INDEX ix_placements_tenant_id_name ON placements (tenant_id, name) WHERE phase NOT IN ('Failed', 'Succeeded', 'Terminated');
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE INDEX ix_reconcile_requests_not_before ON reconcile_requests (not_before);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    CREATE INDEX ix_reconcile_requests_placement_id ON reconcile_requests (placement_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127174527_ClustersAndPlacements') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261127174527_ClustersAndPlacements', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    ALTER TABLE placements ADD model_digest text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    ALTER TABLE placements ADD model_name text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    ALTER TABLE placements ADD model_version integer;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    CREATE TABLE models (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        tenant character varying(63) NOT NULL,
        name character varying(63) NOT NULL,
        description character varying(2000) NOT NULL,
        task character varying(100) NOT NULL,
        labels jsonb NOT NULL,
        next_version integer NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_models PRIMARY KEY (id),
        CONSTRAINT fk_models_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    CREATE TABLE model_aliases (
        model_id uuid NOT NULL,
        name character varying(63) NOT NULL,
        version_number integer NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_model_aliases PRIMARY KEY (model_id, name),
        CONSTRAINT fk_model_aliases_models_model_id FOREIGN KEY (model_id) REFERENCES models (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    CREATE TABLE model_versions (
        id uuid NOT NULL,
        model_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        number integer NOT NULL,
        digest character varying(71) NOT NULL,
        size_bytes bigint NOT NULL,
        format character varying(16) NOT NULL,
        quantization character varying(16) NOT NULL,
        provenance jsonb NOT NULL,
        state character varying(16) NOT NULL,
        failure_reason character varying(1000),
        artifact_key character varying(300) NOT NULL,
        created_at timestamp with time zone NOT NULL,
        finalized_at timestamp with time zone,
        CONSTRAINT pk_model_versions PRIMARY KEY (id),
        CONSTRAINT ck_model_versions_size CHECK (size_bytes > 0),
        CONSTRAINT fk_model_versions_models_model_id FOREIGN KEY (model_id) REFERENCES models (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    CREATE UNIQUE INDEX ix_model_versions_model_id_digest ON model_versions (model_id, digest);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    CREATE UNIQUE INDEX ix_model_versions_model_id_number ON model_versions (model_id, number);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    CREATE INDEX ix_model_versions_tenant_id_digest ON model_versions (tenant_id, digest);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    CREATE UNIQUE INDEX ix_models_tenant_id_name ON models (tenant_id, name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    CREATE INDEX ix_models_tenant_name ON models (tenant, name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127183152_ModelRegistry') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261127183152_ModelRegistry', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127194536_WorkloadIdentity') THEN
    ALTER TABLE clusters ADD service_account_issuer character varying(2000);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127194536_WorkloadIdentity') THEN
    CREATE UNIQUE INDEX ix_clusters_service_account_issuer ON clusters (service_account_issuer) WHERE service_account_issuer IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127194536_WorkloadIdentity') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261127194536_WorkloadIdentity', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127195045_Billing') THEN
    CREATE TABLE budget_alerts (
        tenant_id uuid NOT NULL,
        month date NOT NULL,
        threshold integer NOT NULL,
        spend numeric NOT NULL,
        at timestamp with time zone NOT NULL,
        CONSTRAINT pk_budget_alerts PRIMARY KEY (tenant_id, month, threshold),
        CONSTRAINT fk_budget_alerts_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127195045_Billing') THEN
    CREATE TABLE budgets (
        tenant_id uuid NOT NULL,
        monthly_amount numeric NOT NULL,
        alert_thresholds jsonb NOT NULL,
        hard_cap boolean NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_budgets PRIMARY KEY (tenant_id),
        CONSTRAINT ck_budgets_positive CHECK (monthly_amount > 0),
        CONSTRAINT fk_budgets_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127195045_Billing') THEN
    CREATE TABLE price_books (
        version integer NOT NULL,
        currency character(3) NOT NULL,
        effective_from timestamp with time zone NOT NULL,
        created_at timestamp with time zone NOT NULL,
        created_by character varying(200) NOT NULL,
        prices jsonb NOT NULL,
        CONSTRAINT pk_price_books PRIMARY KEY (version)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127195045_Billing') THEN
    CREATE TABLE statements (
        tenant_id uuid NOT NULL,
        month date NOT NULL,
        currency character(3) NOT NULL,
        total numeric NOT NULL,
        lines jsonb NOT NULL,
        closed_at timestamp with time zone NOT NULL,
        closed_by character varying(200) NOT NULL,
        CONSTRAINT pk_statements PRIMARY KEY (tenant_id, month),
        CONSTRAINT fk_statements_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127195045_Billing') THEN
    CREATE UNIQUE INDEX ix_price_books_effective_from ON price_books (effective_from);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127195045_Billing') THEN
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
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261127195045_Billing') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261127195045_Billing', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203045_BillingPrecision') THEN
    ALTER TABLE statements ALTER COLUMN total TYPE numeric(28,2);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203045_BillingPrecision') THEN
    ALTER TABLE budgets ALTER COLUMN monthly_amount TYPE numeric(17,2);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203045_BillingPrecision') THEN
    ALTER TABLE budget_alerts ALTER COLUMN spend TYPE numeric(28,2);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203045_BillingPrecision') THEN
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
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203045_BillingPrecision') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261129203045_BillingPrecision', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203708_IdentityHardening') THEN
    CREATE SEQUENCE token_revocation_epochs START WITH 1 INCREMENT BY 1 NO CYCLE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203708_IdentityHardening') THEN
    ALTER TABLE idempotency_records ADD protected_response_body bytea;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203708_IdentityHardening') THEN
    ALTER TABLE budgets ADD operator_owned boolean NOT NULL DEFAULT FALSE;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203708_IdentityHardening') THEN
    CREATE TABLE token_revocations (
        principal character varying(300) NOT NULL,
        epoch bigint NOT NULL,
        revoked_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_token_revocations PRIMARY KEY (principal)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203708_IdentityHardening') THEN
    CREATE INDEX ix_token_revocations_revoked_at ON token_revocations (revoked_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203708_IdentityHardening') THEN
    DELETE FROM idempotency_records WHERE response_body LIKE '%"clientSecret"%';
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129203708_IdentityHardening') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261129203708_IdentityHardening', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204319_KubernetesRealism') THEN
    ALTER TABLE placements ALTER COLUMN runtime_class TYPE character varying(253);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204319_KubernetesRealism') THEN
    ALTER TABLE placements ADD autoscaling jsonb;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204319_KubernetesRealism') THEN
    ALTER TABLE node_pools ADD missing_runtime_classes jsonb NOT NULL DEFAULT '[]';
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204319_KubernetesRealism') THEN
    UPDATE placements SET runtime_class = lower(runtime_class) WHERE runtime_class IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204319_KubernetesRealism') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261129204319_KubernetesRealism', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    ALTER TABLE clusters ADD encrypted_prometheus_token bytea;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    ALTER TABLE clusters ADD prometheus_url character varying(2000);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    CREATE TABLE slos (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        tenant character varying(63) NOT NULL,
        name character varying(63) NOT NULL,
        placement character varying(63) NOT NULL,
        objective double precision NOT NULL,
        "window" character varying(16) NOT NULL,
        indicator jsonb NOT NULL,
        remediation jsonb NOT NULL,
        state character varying(16) NOT NULL,
        state_reason character varying(2000),
        sli double precision,
        budget_total double precision,
        budget_consumed double precision,
        budget_remaining double precision,
        burn_rates jsonb NOT NULL,
        firing_alerts jsonb NOT NULL,
        active_remediations jsonb NOT NULL,
        last_action_at jsonb NOT NULL,
        evaluated_at timestamp with time zone,
        next_evaluation_at timestamp with time zone NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        rollouts_frozen boolean NOT NULL,
        CONSTRAINT pk_slos PRIMARY KEY (id),
        CONSTRAINT ck_slos_objective CHECK (objective > 0 AND objective < 100),
        CONSTRAINT fk_slos_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    CREATE TABLE slo_evaluations (
        id bigint GENERATED ALWAYS AS IDENTITY,
        slo_id uuid NOT NULL,
        at timestamp with time zone NOT NULL,
        state character varying(16) NOT NULL,
        sli double precision,
        budget_remaining double precision,
        burn_rates jsonb NOT NULL,
        CONSTRAINT pk_slo_evaluations PRIMARY KEY (id),
        CONSTRAINT fk_slo_evaluations_slos_slo_id FOREIGN KEY (slo_id) REFERENCES slos (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    CREATE INDEX ix_slo_evaluations_slo_id_at ON slo_evaluations (slo_id, at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    CREATE INDEX ix_slos_next_evaluation_at ON slos (next_evaluation_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    CREATE UNIQUE INDEX ix_slos_tenant_id_name ON slos (tenant_id, name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    CREATE INDEX ix_slos_tenant_id_placement ON slos (tenant_id, placement);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129204817_SlosAndClusterPrometheus') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261129204817_SlosAndClusterPrometheus', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233000_UsageTimeBrinIndex') THEN
    DROP INDEX IF EXISTS ix_usage_events_tenant_id_time;
    CREATE INDEX ix_usage_events_time ON usage_events USING brin (time);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233000_UsageTimeBrinIndex') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261129233000_UsageTimeBrinIndex', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    ALTER TABLE model_versions ALTER COLUMN failure_reason TYPE character varying(2000);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    ALTER TABLE model_versions ADD digest_source character varying(16) NOT NULL DEFAULT 'SoleFile';
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    CREATE TABLE model_version_files (
        version_id uuid NOT NULL,
        path character varying(512) NOT NULL,
        tenant_id uuid NOT NULL,
        digest character varying(71) NOT NULL,
        size_bytes bigint NOT NULL,
        media_type character varying(255) NOT NULL,
        upload_id character varying(1024),
        part_size_bytes bigint,
        CONSTRAINT pk_model_version_files PRIMARY KEY (version_id, path),
        CONSTRAINT ck_model_version_files_size CHECK (size_bytes > 0),
        CONSTRAINT fk_model_version_files_model_versions_version_id FOREIGN KEY (version_id) REFERENCES model_versions (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    CREATE TABLE stored_blobs (
        tenant_id uuid NOT NULL,
        digest character varying(71) NOT NULL,
        size_bytes bigint NOT NULL,
        key character varying(300) NOT NULL,
        stored_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_stored_blobs PRIMARY KEY (tenant_id, digest),
        CONSTRAINT ck_stored_blobs_size CHECK (size_bytes > 0),
        CONSTRAINT fk_stored_blobs_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    CREATE INDEX ix_model_version_files_tenant_id_digest ON model_version_files (tenant_id, digest);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    INSERT INTO model_version_files (version_id, path, tenant_id, digest, size_bytes, media_type)
    SELECT id, 'model', tenant_id, digest, size_bytes, 'application/octet-stream' FROM model_versions;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    INSERT INTO stored_blobs (tenant_id, digest, size_bytes, key, stored_at)
    SELECT DISTINCT ON (tenant_id, digest) tenant_id, digest, size_bytes, artifact_key, coalesce(finalized_at, created_at)
    FROM model_versions WHERE state = 'Ready' ORDER BY tenant_id, digest, created_at;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    UPDATE quotas q SET used = greatest(q.used - d.duplicate_bytes, 0)
    FROM (SELECT v.tenant_id, sum(v.size_bytes) - (SELECT sum(b.size_bytes) FROM stored_blobs b WHERE b.tenant_id = v.tenant_id) AS duplicate_bytes
          FROM model_versions v WHERE v.state = 'Ready' GROUP BY v.tenant_id) d
    WHERE q.tenant_id = d.tenant_id AND q.resource = 'storage.bytes' AND d.duplicate_bytes > 0;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    ALTER TABLE model_versions DROP COLUMN artifact_key;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233434_ModelVersionManifests') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261129233434_ModelVersionManifests', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233604_Rollouts') THEN
    ALTER TABLE clusters ADD gateway_name character varying(63);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233604_Rollouts') THEN
    ALTER TABLE clusters ADD gateway_namespace character varying(63);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233604_Rollouts') THEN
    CREATE TABLE rollouts (
        id uuid NOT NULL,
        number integer NOT NULL,
        tenant_id uuid NOT NULL,
        tenant character varying(63) NOT NULL,
        placement_id uuid NOT NULL,
        placement character varying(63) NOT NULL,
        strategy jsonb NOT NULL,
        analysis jsonb NOT NULL,
        target jsonb NOT NULL,
        previous jsonb NOT NULL,
        phase character varying(16) NOT NULL,
        step integer NOT NULL,
        weight integer NOT NULL,
        step_started_at timestamp with time zone NOT NULL,
        next_analysis_at timestamp with time zone NOT NULL,
        failed_runs integer NOT NULL,
        canary_replicas integer NOT NULL,
        canary_units integer NOT NULL,
        reason character varying(2000),
        runs jsonb NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        finished_at timestamp with time zone,
        CONSTRAINT pk_rollouts PRIMARY KEY (id),
        CONSTRAINT fk_rollouts_placements_placement_id FOREIGN KEY (placement_id) REFERENCES placements (id) ON DELETE CASCADE,
        CONSTRAINT fk_rollouts_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233604_Rollouts') THEN
    CREATE INDEX ix_rollouts_next_analysis_at ON rollouts (next_analysis_at) WHERE phase = 'Progressing';
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233604_Rollouts') THEN
    CREATE UNIQUE INDEX ix_rollouts_one_active_per_placement ON rollouts (placement_id) WHERE phase IN ('Progressing', 'Paused');
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233604_Rollouts') THEN
    CREATE UNIQUE INDEX ix_rollouts_tenant_id_placement_number ON rollouts (tenant_id, placement, number);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129233604_Rollouts') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261129233604_Rollouts', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130022434_RolloutVariantMetering') THEN
    CREATE TABLE canary_readiness (
        id bigint GENERATED ALWAYS AS IDENTITY,
        rollout_id uuid NOT NULL,
        at timestamp with time zone NOT NULL,
        ready_replicas integer NOT NULL,
        CONSTRAINT pk_canary_readiness PRIMARY KEY (id),
        CONSTRAINT fk_canary_readiness_rollouts_rollout_id FOREIGN KEY (rollout_id) REFERENCES rollouts (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130022434_RolloutVariantMetering') THEN
    CREATE INDEX ix_canary_readiness_rollout_id_at ON canary_readiness (rollout_id, at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130022434_RolloutVariantMetering') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261130022434_RolloutVariantMetering', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130030632_WorkloadIdentityBindings') THEN
    CREATE TABLE workload_identity_bindings (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        service_account_id uuid NOT NULL,
        name character varying(63) NOT NULL,
        cluster_id uuid NOT NULL,
        namespace character varying(63) NOT NULL,
        kubernetes_service_account character varying(63) NOT NULL,
        created_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_workload_identity_bindings PRIMARY KEY (id),
        CONSTRAINT fk_workload_identity_bindings_clusters_cluster_id FOREIGN KEY (cluster_id) REFERENCES clusters (id) ON DELETE CASCADE,
        CONSTRAINT fk_workload_identity_bindings_service_accounts_service_account FOREIGN KEY (service_account_id) REFERENCES service_accounts (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130030632_WorkloadIdentityBindings') THEN
    CREATE UNIQUE INDEX ix_workload_identity_bindings_cluster_id_namespace_kubernetes_ ON workload_identity_bindings (cluster_id, namespace, kubernetes_service_account);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130030632_WorkloadIdentityBindings') THEN
    CREATE UNIQUE INDEX ix_workload_identity_bindings_service_account_id_name ON workload_identity_bindings (service_account_id, name);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130030632_WorkloadIdentityBindings') THEN
    CREATE INDEX ix_workload_identity_bindings_tenant_id ON workload_identity_bindings (tenant_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130030632_WorkloadIdentityBindings') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261130030632_WorkloadIdentityBindings', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130054130_UsageIngestionIndexes') THEN
    ALTER TABLE usage_events DROP CONSTRAINT pk_usage_events,
        ADD CONSTRAINT pk_usage_events PRIMARY KEY (tenant_id, event_id, source);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261130054130_UsageIngestionIndexes') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261130054130_UsageIngestionIndexes', '10.0.15');
    END IF;
END $EF$;
COMMIT;

