/// The provenance log kept by a PostgreSQL server (issue 13, part 2): the first piece of the
/// server store, the part that makes history impossible to rewrite for a reviewer.
///
/// In a file workspace a member of the group can append an entry under someone else's uid, or
/// delete one and re-chain the rest, and the chain still verifies (README, "Threat model"). In
/// the server the log is a table reviewers may only read; they append through one function that
/// runs as its owner. That function, not the client, extends the chain: it locks the table,
/// reads the head, and writes `seq`, `prev`, `ts` and the actor, which is the role the server
/// authenticated (`session_user`) and never a name the client sends. So appends from many boxes
/// form one chain, and nobody can write an entry in another reviewer's name.
///
/// Entries keep today's exact bytes, so a log exported from the server is verified by `winnow
/// log verify` and by the README's three lines of Python. The client sends the payload's
/// members as (name, canonical JSON text) pairs; the function adds the envelope's members,
/// sorts all by name (code point order, as Python's `sort_keys`: names are ASCII, checked) and
/// hashes the joined text with the server's SHA-256. It checks every value is JSON, but not that
/// it is canonical: a client that sends a value in another form gets an entry `log verify`
/// reports, naming its line, while the chain around it stays whole.
///
/// The actor's `uid` is the reviewer's role's OID: a number the server gives each role, stable
/// for the role's life, so "the same reviewer" still compares numbers. `host` is the database's
/// name, where the entry was written.
///
/// A trigger refuses UPDATE, DELETE and TRUNCATE, and any INSERT not made by the function, even
/// in the owner's session: a careless owner cannot damage the log by accident (one who
/// disables the trigger on purpose can, as the owner of any database can).
public enum ServerLogSchema {
    /// The role every reviewer's login role is a member of: it may read the log and append
    /// through `winnow_append`, nothing else.
    public static let reviewerRole = "winnow_reviewer"

    /// The schema's version, kept in `winnow_store`: a client refuses a store of another one.
    public static let version = 1

    /// Creates the log table, its guard, the append function and the reviewer role's grants,
    /// as one script (for psql). Run once by the database's owner (an admin role), in one
    /// transaction.
    public static var install: String { statements.map { $0 + ";\n" }.joined() }

    /// The same, one statement each: the client sends them one by one (PostgreSQL's extended
    /// protocol, which PostgresNIO speaks, takes one statement per message).
    public static var statements: [String] { logStatements + claimStatements + configStatements + adoptStatements + fileStatements }

    static let logStatements: [String] = [
        #"""
        DO $roles$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winnow_reviewer') THEN
                CREATE ROLE winnow_reviewer NOLOGIN;
            END IF;
        END $roles$
        """#,
        #"""

        CREATE TABLE winnow_log (
            seq bigint PRIMARY KEY CHECK (seq > 0),
            hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
            line text NOT NULL,     -- the entry as a JSONL log line holds it (canonical JSON, hash included)
            actor name NOT NULL     -- the role that wrote the row, as the server authenticated it
        )
        """#,
        "REVOKE ALL ON winnow_log FROM PUBLIC",
        "GRANT SELECT ON winnow_log TO winnow_reviewer",
        """
        CREATE TABLE winnow_store (version int NOT NULL CHECK (version > 0))
        """,
        "INSERT INTO winnow_store VALUES (\(version))",
        "REVOKE ALL ON winnow_store FROM PUBLIC",
        "GRANT SELECT ON winnow_store TO winnow_reviewer",
        #"""

        CREATE FUNCTION winnow_log_guard() RETURNS trigger LANGUAGE plpgsql AS $guard$
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
        CREATE TRIGGER winnow_log_rows BEFORE INSERT OR UPDATE OR DELETE ON winnow_log
            FOR EACH ROW EXECUTE FUNCTION winnow_log_guard()
        """,
        """
        CREATE TRIGGER winnow_log_truncate BEFORE TRUNCATE ON winnow_log
            FOR EACH STATEMENT EXECUTE FUNCTION winnow_log_guard()
        """,
        #"""
        -- A JSON object from member names and their JSON texts, members sorted by name in code
        -- point order (C collation; the names are ASCII), no spaces: canonical JSON's object form.
        CREATE FUNCTION winnow_log_object(names text[], "values" text[]) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public, pg_temp AS $object$
            SELECT '{' || string_agg('"' || u.name || '":' || u.value, ',' ORDER BY u.name COLLATE "C") || '}'
            FROM unnest(names, "values") AS u(name, value)
        $object$
        """#,
        "REVOKE ALL ON FUNCTION winnow_log_object(text[], text[]) FROM PUBLIC",
        #"""
        -- Appends one entry: kind and tool as the client names them, the gate that acted (NULL
        -- for a person's own entry: it becomes the actor's "gate"), the payload as member names
        -- and their canonical JSON texts. Returns the entry's seq, hash and line.
        CREATE FUNCTION winnow_append(kind text, tool text, gate text, names text[], "values" text[],
                                      OUT seq bigint, OUT hash text, OUT line text)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $append$
        DECLARE
            head_seq bigint;
            head_hash text;
            who text := session_user;
            all_names text[];
            all_values text[];
            body text;
            i int;
            decided_row text;
            decided_slice text;
            slice_role text;
            other_holder text;
        BEGIN
            IF kind IS NULL OR kind !~ '^[a-z][a-z-]{0,31}$' THEN
                RAISE EXCEPTION 'winnow_append: kind % is not a kind name', quote_nullable(kind) USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF tool IS NULL OR tool !~ '^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$' THEN
                RAISE EXCEPTION 'winnow_append: tool % is not a tool name', quote_nullable(tool) USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF gate IS NOT NULL AND gate !~ '^[a-z][a-z0-9-]{0,31}$' THEN
                RAISE EXCEPTION 'winnow_append: gate % is not a gate name', quote_nullable(gate) USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF who !~ '^[a-z_][a-z0-9_.-]{0,62}$' THEN
                RAISE EXCEPTION 'winnow_append: role name % cannot be an actor (lowercase letters, digits, _ . - only)', who
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF current_database() !~ '^[A-Za-z0-9_.-]{1,63}$' THEN
                RAISE EXCEPTION 'winnow_append: database name % cannot be an actor''s host (letters, digits, _ . - only)',
                    current_database() USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF coalesce(cardinality(names), 0) <> coalesce(cardinality("values"), 0) THEN
                RAISE EXCEPTION 'winnow_append: % member names but % values', cardinality(names), cardinality("values")
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            FOR i IN 1 .. coalesce(cardinality(names), 0) LOOP
                IF names[i] IS NULL OR names[i] !~ '^[a-z][a-z0-9_]{0,63}$' THEN
                    RAISE EXCEPTION 'winnow_append: member name % is not a payload name', quote_nullable(names[i])
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF names[i] IN ('v', 'seq', 'prev', 'ts', 'actor', 'tool', 'kind', 'hash') THEN
                    RAISE EXCEPTION 'winnow_append: member % belongs to the envelope, which the server writes', names[i]
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF names[i] = ANY (names[1:i - 1]) THEN
                    RAISE EXCEPTION 'winnow_append: member % given twice', names[i] USING ERRCODE = 'invalid_parameter_value';
                END IF;
                BEGIN
                    PERFORM "values"[i]::jsonb;
                EXCEPTION WHEN others THEN
                    RAISE EXCEPTION 'winnow_append: member % is not JSON: %', names[i], SQLERRM USING ERRCODE = 'invalid_parameter_value';
                END;
                IF "values"[i] IS NULL THEN
                    RAISE EXCEPTION 'winnow_append: member % has no value', names[i] USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END LOOP;

            -- A decision on a row another role holds (a live claim by the server's clock) is
            -- theirs to make: refused, so no row gets two first opinions from two screens.
            IF kind = 'decision' THEN
                FOR i IN 1 .. coalesce(cardinality(names), 0) LOOP
                    IF names[i] = 'row' THEN
                        decided_row := "values"[i]::jsonb #>> '{}';
                    ELSIF names[i] = 'slice' THEN
                        decided_slice := "values"[i]::jsonb #>> '{}';
                    END IF;
                END LOOP;
                SELECT c.holder_role::text INTO other_holder FROM winnow_claim c
                WHERE c.row_id = decided_row AND c.holder_role <> session_user AND c.until > clock_timestamp();
                IF FOUND THEN
                    RAISE EXCEPTION 'row % is on %''s screen now (their claim is live): not recorded', decided_row, other_holder
                        USING ERRCODE = 'lock_not_available';
                END IF;
                -- A slice the configuration gives to a role is decided by its members only.
                IF decided_slice IS NOT NULL THEN
                    SELECT c.slice_roles ->> decided_slice INTO slice_role FROM winnow_config c ORDER BY c.version DESC LIMIT 1;
                    IF slice_role IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = slice_role)
                                                   OR NOT pg_has_role(session_user, slice_role, 'MEMBER')) THEN
                        RAISE EXCEPTION 'slice % is reviewed by members of role % only, and % is not one: not recorded',
                            decided_slice, slice_role, session_user USING ERRCODE = 'insufficient_privilege';
                    END IF;
                END IF;
            END IF;

            -- One appender at a time; readers are not blocked.
            LOCK TABLE winnow_log IN EXCLUSIVE MODE;
            SELECT l.seq, l.hash INTO head_seq, head_hash FROM winnow_log l ORDER BY l.seq DESC LIMIT 1;
            seq := coalesce(head_seq, 0) + 1;

            all_names := coalesce(names, ARRAY[]::text[]) || ARRAY['v', 'seq', 'prev', 'ts', 'actor', 'tool', 'kind'];
            all_values := coalesce("values", ARRAY[]::text[]) || ARRAY[
                '1',
                seq::text,
                '"' || coalesce(head_hash, repeat('0', 64)) || '"',
                '"' || to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"',
                '{' || CASE WHEN gate IS NULL THEN '' ELSE '"gate":"' || gate || '",' END
                    || '"host":"' || current_database() || '","uid":'
                    || (SELECT r.oid FROM pg_roles r WHERE r.rolname = who)::bigint || ',"user":"' || who || '"}',
                '"' || tool || '"',
                '"' || kind || '"'];
            body := winnow_log_object(all_names, all_values);
            hash := encode(sha256(convert_to(body, 'UTF8')), 'hex');

            line := winnow_log_object(all_names || ARRAY['hash'], all_values || ARRAY['"' || hash || '"']);
            PERFORM set_config('winnow.appending', 'on', true);
            INSERT INTO winnow_log(seq, hash, line, actor) VALUES (seq, hash, line, who);
            PERFORM set_config('winnow.appending', 'off', true);
        END
        $append$
        """#,
        "REVOKE ALL ON FUNCTION winnow_append(text, text, text, text[], text[]) FROM PUBLIC",
        "GRANT EXECUTE ON FUNCTION winnow_append(text, text, text, text[], text[]) TO winnow_reviewer",
    ]
}
