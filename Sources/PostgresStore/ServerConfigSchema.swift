extension ServerLogSchema {
    /// The configuration that grants power (slices and the roles that may review them, review
    /// rates, gates), kept in the server where only the owner may change it.
    ///
    /// `winnow_config` is append-only like the log: each push is a new version, with the whole
    /// `winnow.toml` text, the hash every box compares its own copy with (`configHash`: the
    /// settings, not the `[store]` table), the slice-to-role map the server enforces and the
/// longest lease it grants. Reviewers
    /// may read it and nothing else; the owner inserts through `winnow store config push`.
    ///
    /// `winnow_append` reads the newest version for every decision: the decision's slice, when
    /// the configuration gives it a `group`, may be decided only by members of the role of that
    /// name (and a slice whose role does not exist by nobody). The slice is the one the decision
    /// names: a client that names another is not caught by this check (see README).
    static let configStatements: [String] = [
        """
        CREATE TABLE public.winnow_config (
            version bigint PRIMARY KEY CHECK (version > 0),
            text text NOT NULL,
            sha text NOT NULL CHECK (sha ~ '^[0-9a-f]{64}$'),
            slice_roles jsonb NOT NULL CHECK (jsonb_typeof(slice_roles) = 'object'),
            lease_seconds int NOT NULL CHECK (lease_seconds > 0),
            pushed_by name NOT NULL DEFAULT session_user CHECK (pushed_by = session_user),
            pushed_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """,
        #"""
        CREATE FUNCTION public.winnow_config_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $guard$
        BEGIN
            RAISE EXCEPTION 'configuration versions are kept: % refused (push a new version instead)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $guard$
        """#,
        "CREATE TRIGGER winnow_config_rows BEFORE UPDATE OR DELETE ON public.winnow_config FOR EACH ROW EXECUTE FUNCTION public.winnow_config_guard()",
        "CREATE TRIGGER winnow_config_truncate BEFORE TRUNCATE ON public.winnow_config FOR EACH STATEMENT EXECUTE FUNCTION public.winnow_config_guard()",
        "REVOKE ALL ON public.winnow_config FROM PUBLIC",
        "GRANT SELECT ON public.winnow_config TO winnow_reviewer",
    ]
}
