extension ServerLogSchema {
    /// Files named by their SHA-256 that log entries pin: import sources and gate verdict files.
    /// A box that replays the log needs them, and the box that imported may be another one, so
    /// they live in the server beside the log.
    ///
    /// A file is its parts (`winnow_file_part`, 4 MB each) and one `winnow_file` row that says how
    /// many, written in the uploader's single transaction, so a file is never seen half there.
    /// Reviewers may read them; leads (who import and run gates, the entries that pin files) add
    /// them; nobody may change or remove one.
    /// The server does not hash the bytes (SQL has no streaming SHA-256, and hashing a gigabyte
    /// in one value would hold it in memory): every box that fetches a file hashes it and refuses
    /// bytes that are not the name's, naming the role that uploaded them (`winnow_file.owner` is
    /// the server's `session_user`, not the client's word). So a reviewer who uploads garbage
    /// under a hash first blocks that file, visibly and attributably, but no box ever uses it.
    static let fileStatements: [String] = [
        """
        CREATE TABLE public.winnow_file (
            sha text PRIMARY KEY CHECK (sha ~ '^[0-9a-f]{64}$'),
            size bigint NOT NULL CHECK (size >= 0),
            parts int NOT NULL CHECK (parts >= 0),
            owner name NOT NULL DEFAULT session_user CHECK (owner = session_user)
        )
        """,
        """
        CREATE TABLE public.winnow_file_part (
            sha text NOT NULL CHECK (sha ~ '^[0-9a-f]{64}$'),
            part int NOT NULL CHECK (part >= 0),
            bytes bytea NOT NULL,
            PRIMARY KEY (sha, part)
        )
        """,
        // Parts are compressed with lz4 where the server has it (PostgreSQL 14 and later, built
        // with it, as Debian's is): the default, pglz, took four times as long on a gigabyte
        // source (16 s of a 23 s import of a million rows), lz4 stores it a fifth larger. A
        // server without lz4 keeps pglz; the bytes are the same either way.
        #"""
        DO $lz4$
        BEGIN
            EXECUTE 'ALTER TABLE public.winnow_file_part ALTER COLUMN bytes SET COMPRESSION lz4';
        EXCEPTION WHEN feature_not_supported OR syntax_error OR invalid_parameter_value THEN
            NULL;
        END
        $lz4$
        """#,
        #"""
        CREATE FUNCTION public.winnow_file_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $guard$
        BEGIN
            RAISE EXCEPTION 'stored files are write-once: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $guard$
        """#,
        "CREATE TRIGGER winnow_file_rows BEFORE UPDATE OR DELETE ON public.winnow_file FOR EACH ROW EXECUTE FUNCTION public.winnow_file_guard()",
        "CREATE TRIGGER winnow_file_truncate BEFORE TRUNCATE ON public.winnow_file FOR EACH STATEMENT EXECUTE FUNCTION public.winnow_file_guard()",
        "CREATE TRIGGER winnow_file_part_rows BEFORE UPDATE OR DELETE ON public.winnow_file_part FOR EACH ROW EXECUTE FUNCTION public.winnow_file_guard()",
        "CREATE TRIGGER winnow_file_part_truncate BEFORE TRUNCATE ON public.winnow_file_part FOR EACH STATEMENT EXECUTE FUNCTION public.winnow_file_guard()",
        "REVOKE ALL ON public.winnow_file, public.winnow_file_part FROM PUBLIC",
        "GRANT SELECT ON public.winnow_file, public.winnow_file_part TO winnow_reviewer",
        "GRANT INSERT ON public.winnow_file, public.winnow_file_part TO winnow_lead",
    ]
}
