/// The provenance log kept by a PostgreSQL server (issue 13, part 2): the part of the store
/// that makes history impossible to rewrite for a reviewer.
///
/// In a file workspace a member of the group can append an entry under someone else's uid, or
/// delete one and re-chain the rest, and the chain still verifies (README, "Threat model"). In
/// the server the log is a table reviewers may only read; they append through one function that
/// runs as its owner (`ServerLogSchema+Append`). That function, not the client, extends the
/// chain: it locks the table, reads the head, and writes `seq`, `prev`, `ts` and the actor, the
/// role the server authenticated (`session_user`), never a name the client sends. So appends
/// from many boxes form one chain, and nobody writes an entry in another reviewer's name.
///
/// Entries keep today's exact bytes, so a log exported from the server is verified by `winnow
/// log verify` and by the README's three lines of Python. The actor's `uid` is the role's OID
/// (stable for the role's life), `host` the database's name.
///
/// A trigger refuses UPDATE, DELETE and TRUNCATE, and any INSERT not made by the functions,
/// even in the owner's session: a careless owner cannot damage the log by accident (one who
/// disables the trigger on purpose can, as the owner of any database can).
///
/// Every object is created in schema `public`, named with it, and every function runs with
/// `search_path = pg_catalog, pg_temp`: a function that runs as the owner must not find a
/// function or table a reviewer created (`public.cardinality`, say) before the real one. The
/// install takes CREATE on `public` away from everyone but its owner for the same reason (the
/// default before PostgreSQL 15).
public enum ServerLogSchema {
    /// The role every reviewer's login role is a member of: it may read the store and append
    /// decisions (and undo its own) through `winnow_append`, nothing else.
    public static let reviewerRole = "winnow_reviewer"
    /// The role of those who may also import, run gates, build mixes and retract (the data
    /// leads); the store's owner may always.
    public static let leadRole = "winnow_lead"

    /// The schema's version, kept in `winnow_store`: a client refuses a store of another one.
    /// 3: `winnow_claim_first`.
    public static let version = 3

    /// Creates the store as one script (for psql). Run once by the database's owner (an admin
    /// role that may create roles), in one transaction.
    public static var install: String { statements.map { $0 + ";\n" }.joined() }

    /// The same, one statement each: the client sends them one by one (PostgreSQL's extended
    /// protocol, which PostgresNIO speaks, takes one statement per message).
    public static var statements: [String] {
        logStatements + appendStatements + claimStatements + configStatements + adoptStatements + fileStatements
    }

    static let logStatements: [String] = [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        #"""
        DO $roles$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winnow_reviewer') THEN
                CREATE ROLE winnow_reviewer NOLOGIN;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winnow_lead') THEN
                CREATE ROLE winnow_lead NOLOGIN;
            END IF;
        END $roles$
        """#,
        "GRANT winnow_reviewer TO winnow_lead",
        """
        CREATE TABLE public.winnow_log (
            seq bigint PRIMARY KEY CHECK (seq > 0),
            hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
            line text NOT NULL,     -- the entry as a JSONL log line holds it (canonical JSON, hash included)
            actor name NOT NULL     -- the role that wrote the row, as the server authenticated it
        )
        """,
        "REVOKE ALL ON public.winnow_log FROM PUBLIC",
        "GRANT SELECT ON public.winnow_log TO winnow_reviewer",
        "CREATE TABLE public.winnow_store (version int NOT NULL CHECK (version > 0))",
        "INSERT INTO public.winnow_store VALUES (\(version))",
        "REVOKE ALL ON public.winnow_store FROM PUBLIC",
        "GRANT SELECT ON public.winnow_store TO winnow_reviewer",
        #"""
        CREATE FUNCTION public.winnow_log_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $guard$
        BEGIN
            IF TG_OP = 'INSERT' AND current_setting('winnow.appending', true) = 'on' THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'the provenance log is append-only: % refused (entries are added by winnow_append only)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $guard$
        """#,
        """
        CREATE TRIGGER winnow_log_rows BEFORE INSERT OR UPDATE OR DELETE ON public.winnow_log
            FOR EACH ROW EXECUTE FUNCTION public.winnow_log_guard()
        """,
        """
        CREATE TRIGGER winnow_log_truncate BEFORE TRUNCATE ON public.winnow_log
            FOR EACH STATEMENT EXECUTE FUNCTION public.winnow_log_guard()
        """,
        // A JSON object from member names and their JSON texts, members sorted by name in code
        // point order (C collation; the names are ASCII), no spaces: canonical JSON's object form.
        #"""
        CREATE FUNCTION public.winnow_log_object(names text[], "values" text[]) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $object$
            SELECT '{' || string_agg('"' || u.name || '":' || u.value, ',' ORDER BY u.name COLLATE "C") || '}'
            FROM unnest(names, "values") AS u(name, value)
        $object$
        """#,
        "REVOKE ALL ON FUNCTION public.winnow_log_object(text[], text[]) FROM PUBLIC",
        // Canonical JSON (Python's json.dumps with sort_keys, compact separators, ensure_ascii off)
        // of a jsonb value: the server's own writing of what a client sent, to compare with it.
        // Strings are written by PostgreSQL's JSON escaping, which is Python's (the same six
        // short escapes, \u00XX in lowercase for other controls, everything else as it is);
        // numbers as numeric prints them, so a canonical float in exponent form (1e-07) does not
        // compare equal and is refused: fail closed, never a line `log verify` would reject.
        #"""
        CREATE FUNCTION public.winnow_canonical(j jsonb) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $canonical$
            SELECT CASE jsonb_typeof(j)
                WHEN 'object' THEN '{' || coalesce((SELECT string_agg(to_json(e.k)::text || ':' || public.winnow_canonical(e.v), ','
                                                                      ORDER BY e.k COLLATE "C")
                                                    FROM jsonb_each(j) AS e(k, v)), '') || '}'
                WHEN 'array' THEN '[' || coalesce((SELECT string_agg(public.winnow_canonical(e.v), ',' ORDER BY e.n)
                                                   FROM jsonb_array_elements(j) WITH ORDINALITY AS e(v, n)), '') || ']'
                ELSE j::text
            END
        $canonical$
        """#,
        "REVOKE ALL ON FUNCTION public.winnow_canonical(jsonb) FROM PUBLIC",
    ]
}
